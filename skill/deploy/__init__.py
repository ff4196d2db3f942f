"""Deployment tools: the AWS Lambda package and publishing the audio to S3 (never served)."""
