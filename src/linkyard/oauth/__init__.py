"""OAuth: the provider HTTP client, token parsing and the token keeper (refresh-ahead, single-flight, row lock)."""

from linkyard.errors import ProviderOAuthError
from linkyard.oauth.client import ProviderClient, quiet_http_loggers
from linkyard.oauth.endpoints import ProviderEndpoints, endpoints_for
from linkyard.oauth.keeper import TokenKeeper
from linkyard.oauth.refresher import Refresher
from linkyard.oauth.tokens import parse_oauth_error, parse_token_response

__all__ = [
    "ProviderClient",
    "ProviderEndpoints",
    "ProviderOAuthError",
    "Refresher",
    "TokenKeeper",
    "endpoints_for",
    "parse_oauth_error",
    "parse_token_response",
    "quiet_http_loggers",
]
