"""Back Coach audio: render the timed plan to Alexa-ready MP3 clips, catalog and serve them."""
