"""Deploy-time configuration (`firebase deploy` asks for, or reads from .env, these values)."""
from firebase_functions import params

COMMENTS_PER_MINUTE = params.IntParam(
    "HEARTH_COMMENTS_PER_MINUTE", default=5, description="Comments one user may post per minute"
)
THREADS_PER_10_MINUTES = params.IntParam(
    "HEARTH_THREADS_PER_10_MINUTES", default=3, description="Threads one user may post per 10 minutes"
)
CACHE_SECONDS = params.IntParam(
    "HEARTH_CACHE_SECONDS", default=10, description="Seconds the CDN may keep a public GET answer"
)

REPORTS_PER_10_MINUTES = params.IntParam(
    "HEARTH_REPORTS_PER_10_MINUTES", default=10, description="Reports one user may file per 10 minutes"
)
AUTO_HIDE_REPORTS = params.IntParam(
    "HEARTH_AUTO_HIDE_REPORTS", default=3,
    description="Distinct reporters that hide an item (reason 'flagged') until a moderator decides",
)
FIRST_POST_APPROVAL = params.BoolParam(
    "HEARTH_FIRST_POST_APPROVAL", default=False,
    description="Hold a new member's comments in the moderation queue until a moderator approves the first one",
)
SEARCHES_PER_MINUTE = params.IntParam(
    "HEARTH_SEARCHES_PER_MINUTE", default=30, description="Searches one signed-in user may run per minute"
)
ANONYMOUS_SEARCHES_PER_MINUTE = params.IntParam(
    "HEARTH_ANONYMOUS_SEARCHES_PER_MINUTE", default=30,
    description="Searches one anonymous address may run per minute (per function instance)",
)
