"""The forum itself: threads, comments, reactions, bookmarks, profiles, markdown rendering, mentions, ranking."""
