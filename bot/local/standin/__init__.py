"""Local Slack stand-in: a Web API server and a signed client that plays Slack towards the bot."""

from bot.local.standin.blocks_limits import check_message_blocks, check_view
from bot.local.standin.server import SlackStandIn
from bot.local.standin.signed_client import (
    BotResponse,
    SignedSlackClient,
    SlashResult,
    slack_signature,
)
from bot.local.standin.state import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    RESPONSE_URL_METHOD,
    TEAM_ID,
    UPLOAD_METHOD,
    RecordedCall,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "RESPONSE_URL_METHOD",
    "TEAM_ID",
    "UPLOAD_METHOD",
    "BotResponse",
    "RecordedCall",
    "SignedSlackClient",
    "SlackStandIn",
    "SlashResult",
    "check_message_blocks",
    "check_view",
    "slack_signature",
]
