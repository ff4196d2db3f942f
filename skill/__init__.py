"""Back Coach: an Alexa skill that coaches back-strengthening exercises."""


def lambda_handler(event, context):
    """AWS Lambda entry point: the same skill, built once per container."""
    from .lambda_entry import handle

    return handle(event, context)
