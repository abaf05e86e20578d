"""Every Web API method the stand-in answers, by its Slack name."""

from collections.abc import Callable
from typing import Any

from bot.local.standin.history import conversations_history, conversations_replies
from bot.local.standin.reply import Reply
from bot.local.standin.state import StandInState
from bot.local.standin.web_api import (
    apps_connections_open,
    auth_test,
    chat_post_ephemeral,
    chat_post_message,
    chat_update,
    conversations_open,
    files_complete_upload,
    files_get_upload_url,
    users_info,
    users_lookup_by_email,
    views_open,
    views_publish,
    views_update,
)

Handler = Callable[[StandInState, dict[str, Any]], Reply]

METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": apps_connections_open,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "views.open": views_open,
    "views.publish": views_publish,
    "views.update": views_update,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
