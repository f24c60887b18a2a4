"""Conversation review: reading Rasa's SQL tracker store, and what admins do with it.

* tracker.py    the tracker store's `events` table (read, delete), through SQLAlchemy
* transcript.py events → conversations: resident messages with intent and
                confidence, bot replies and actions, widget feedback
* service.py    the façade the portal and the command line use: a cache of
                parsed conversations, filters, statistics, the learning inbox,
                exports, purge and erasure
* filters.py, stats.py, inbox.py, export.py  the pieces of the above
* models.py     the review tables in the content database (status, tags and
                notes per conversation, learning-inbox decisions, audit log)

Nothing here writes a conversation anywhere but Rasa's own tracker store;
the content database only holds the admins' own review data and an audit log
without message content.
"""
