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
    "HEARTH_AUTO_HIDE_REPORTS",
    default=3,
    description="Distinct reporters that hide an item (reason 'flagged') until a moderator decides",
)
EMBED_ORIGINS = params.StringParam(
    "HEARTH_EMBED_ORIGINS",
    default="",
    description="Origins whose pages may embed Hearth's comments (comma-separated scheme://host[:port]; "
    "scheme://host:* for any port): the embed page's CSP frame-ancestors and the page endpoints' allow-list",
)
FIRST_POST_APPROVAL = params.BoolParam(
    "HEARTH_FIRST_POST_APPROVAL",
    default=False,
    description="Hold a new member's comments in the moderation queue until a moderator approves the first one",
)

EDITS_PER_MINUTE = params.IntParam(
    "HEARTH_EDITS_PER_MINUTE", default=10, description="Edits of threads and comments one user may make per minute"
)
REACTIONS_PER_MINUTE = params.IntParam(
    "HEARTH_REACTIONS_PER_MINUTE", default=30, description="Reaction changes one user may make per minute"
)
HIDES_PER_MINUTE = params.IntParam(
    "HEARTH_HIDES_PER_MINUTE",
    default=10,
    description="Comments a thread's author may hide or restore per minute (moderators are not limited)",
)
PREVIEWS_PER_MINUTE = params.IntParam(
    "HEARTH_PREVIEWS_PER_MINUTE", default=30, description="Markdown previews one user may render per minute"
)
REPORT_TRUST_HOURS = params.IntParam(
    "HEARTH_REPORT_TRUST_HOURS",
    default=24,
    description="Age in hours a verified account needs before its reports count toward auto-hide",
)
HANDLE_REST_DAYS = params.IntParam(
    "HEARTH_HANDLE_REST_DAYS", default=30, description="Days a released handle rests before another account may take it"
)
SEARCHES_PER_MINUTE = params.IntParam(
    "HEARTH_SEARCHES_PER_MINUTE", default=30, description="Searches one signed-in user may run per minute"
)
ANONYMOUS_SEARCHES_PER_MINUTE = params.IntParam(
    "HEARTH_ANONYMOUS_SEARCHES_PER_MINUTE",
    default=30,
    description="Searches one anonymous address may run per minute (per function instance)",
)
