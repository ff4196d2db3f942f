"""Deployment tools: the AWS Lambda package and publishing the audio to S3 (never served)."""

LAMBDA_PYTHON = "3.13"
"""The Lambda runtime the package targets unless told (python3.11 is past AWS's end of
support; 3.12 and 3.14, the other supported ones, by --python-version). CI runs the package
on 3.13 and 3.12 (.ci/pythons.sh); for 3.14 it checks the package's compiled code only."""
