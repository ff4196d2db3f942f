"""Back Coach: an Alexa skill that coaches back-strengthening exercises, hands free."""
