-- Run once by the postgres image on an empty data volume (deploy/docker-compose.yml):
-- the conversations (Rasa's tracker store) live in a database of their own, apart
-- from the content store (POSTGRES_DB=vanersborg), with their own backups and retention.
CREATE DATABASE vanersborg_conversations;
