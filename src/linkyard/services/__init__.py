"""Use cases of the platform, free of any HTTP framework: the API, the hosted pages and the CLI call these."""

from linkyard.services.accounts import (
    AccountPage,
    account_profile,
    get_account,
    list_accounts,
    unlink_account,
    update_account,
)
from linkyard.services.actions import ActionResult, flatten_arguments, run_action
from linkyard.services.connect import (
    ConnectPage,
    FinishedFlow,
    StartedFlow,
    describe_connect,
    finish_connect,
    start_connect,
)
from linkyard.services.connect_sessions import (
    NewConnectSession,
    authenticate_connect_session,
    create_connect_session,
)
from linkyard.services.housekeeping import Housekeeper, Sweep, sweep_storage
from linkyard.services.origins import check_return_url, validate_allowed_origins
from linkyard.services.platform import Platform, open_platform, sandbox_url
from linkyard.services.profiles import (
    create_profile,
    delete_profile,
    get_profile,
    list_profiles,
    update_profile,
)
from linkyard.services.projects import (
    NewApiKey,
    NewProject,
    create_api_key,
    create_project,
    list_api_keys,
    revoke_api_key,
    update_project,
)
from linkyard.services.unified.tools import run_tool

__all__ = [
    "AccountPage",
    "ActionResult",
    "ConnectPage",
    "FinishedFlow",
    "Housekeeper",
    "NewApiKey",
    "NewConnectSession",
    "NewProject",
    "Platform",
    "StartedFlow",
    "Sweep",
    "account_profile",
    "authenticate_connect_session",
    "check_return_url",
    "create_api_key",
    "create_connect_session",
    "create_profile",
    "create_project",
    "delete_profile",
    "describe_connect",
    "finish_connect",
    "flatten_arguments",
    "get_account",
    "get_profile",
    "list_accounts",
    "list_api_keys",
    "list_profiles",
    "open_platform",
    "revoke_api_key",
    "run_action",
    "run_tool",
    "sandbox_url",
    "start_connect",
    "sweep_storage",
    "unlink_account",
    "update_account",
    "update_profile",
    "update_project",
    "validate_allowed_origins",
]
