# Image of the clinical-pipelines code location (also used for the Dagster webserver/daemon and MLflow).
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 DAGSTER_HOME=/opt/dagster/home \
    MLFLOW_DISABLE_TELEMETRY=true DAGSTER_DISABLE_TELEMETRY=true
WORKDIR /opt/clinical-pipelines
COPY pyproject.toml requirements.lock README.md ./
COPY clinical_pipelines ./clinical_pipelines
RUN pip install -c requirements.lock . && mkdir -p $DAGSTER_HOME
COPY deploy/dagster.yaml $DAGSTER_HOME/dagster.yaml
COPY deploy/workspace.docker.yaml /opt/dagster/workspace.yaml
EXPOSE 4000
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "clinical_pipelines.definitions"]
