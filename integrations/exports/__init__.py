"""The paged JSON export protocol operators use in pull mode for every non-MDS format."""

from integrations.exports.pull import (
    ExportAuthError,
    ExportError,
    ExportHourNotReady,
    ExportPullClient,
    ExportUnavailable,
)

__all__ = [
    "ExportAuthError",
    "ExportError",
    "ExportHourNotReady",
    "ExportPullClient",
    "ExportUnavailable",
]
