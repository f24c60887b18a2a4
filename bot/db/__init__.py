"""The one database: the SQLAlchemy base every table shares, the engine, and every migration."""
