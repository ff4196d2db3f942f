"""The IAM policies a deployment needs, derived from the actions the code calls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backcoach.skill.storage.dynamodb import CREATE_ACTIONS, SERVING_ACTIONS, USER_ACTIONS

VERSION = "2012-10-17"
"""The IAM policy language version every policy must name."""
ACCOUNT = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
"""DynamoDB table names (Lambda function names are a subset)."""


class PolicyError(ValueError):
    """A setting a policy needs is missing or malformed (the message names it)."""


@dataclass(frozen=True)
class Where:
    """Where the skill runs on AWS: the account, the region, the table and the function."""

    account: str
    region: str
    table: str
    function: str = "backcoach"

    def __post_init__(self) -> None:
        for setting, value, shape in (
            ("--account", self.account, ACCOUNT),
            ("--region", self.region, REGION),
            ("--table", self.table, NAME),
            ("--function", self.function, NAME),
        ):
            if not shape.match(value):
                raise PolicyError(f"{setting} {value!r} is not a valid value")

    @property
    def table_arn(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.table}"

    @property
    def log_group_arn(self) -> str:
        return f"arn:aws:logs:{self.region}:{self.account}:log-group:/aws/lambda/{self.function}"


def lambda_policy(where: Where, *, create_table: bool = False, users: bool = False) -> dict:
    """The function's role: its table (what serving calls, and creating it or listing users
    if asked) and its own log group (what Lambda's basic execution role grants)."""
    actions = [*SERVING_ACTIONS]
    actions += CREATE_ACTIONS if create_table else ()
    actions += USER_ACTIONS if users else ()
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "Table",
                "Effect": "Allow",
                "Action": [f"dynamodb:{a}" for a in actions],
                "Resource": where.table_arn,
            },
            {
                "Sid": "LogGroup",
                "Effect": "Allow",
                "Action": "logs:CreateLogGroup",
                "Resource": f"arn:aws:logs:{where.region}:{where.account}:*",
            },
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{where.log_group_arn}:*",
            },
        ],
    }


def publish_policy(bucket: str, prefix: str) -> dict:
    """Whoever runs `backcoach audio publish s3://BUCKET/PREFIX`: what is there already (a
    listing under PREFIX), then one put per new file."""
    if not NAME.match(bucket):
        raise PolicyError(f"bucket {bucket!r} is not a valid S3 bucket name")
    under = prefix.strip("/")
    keys = f"{under}/*" if under else "*"
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [keys]}},
            },
            {
                "Sid": "Put",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/{keys}",
            },
        ],
    }
