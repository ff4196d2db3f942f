"""The HTTP endpoint (Flask app factory, request verification) and the AWS Lambda entry."""
