"""Plain typed objects of the platform: no database, no HTTP, no framework."""

from linkyard.domain.account import Account, AccountStatus, ProviderAccount, StatusReason
from linkyard.domain.clock import Clock, ManualClock, utc_now
from linkyard.domain.connect import (
    ConnectionAttempt,
    ConnectionAttemptStatus,
    ConnectSession,
    ConnectSessionStatus,
    OAuthState,
)
from linkyard.domain.feedback import ToolFeedback
from linkyard.domain.ids import new_id
from linkyard.domain.profile import AuthType, ConnectorProfile, Environment, TokenType
from linkyard.domain.project import ApiKey, Project
from linkyard.domain.token import TokenFacts, TokenSet

__all__ = [
    "Account",
    "AccountStatus",
    "ApiKey",
    "AuthType",
    "Clock",
    "ConnectSession",
    "ConnectSessionStatus",
    "ConnectionAttempt",
    "ConnectionAttemptStatus",
    "ConnectorProfile",
    "Environment",
    "ManualClock",
    "OAuthState",
    "Project",
    "ProviderAccount",
    "StatusReason",
    "TokenFacts",
    "TokenSet",
    "TokenType",
    "ToolFeedback",
    "new_id",
    "utc_now",
]
