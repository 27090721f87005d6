-- One PostgreSQL server, one database per component (owner: the compose POSTGRES_USER).
CREATE DATABASE lakefs;
CREATE DATABASE mlflow;
CREATE DATABASE dagster;
CREATE DATABASE audit;
