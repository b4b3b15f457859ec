# pact-conformance in a container: `docker run --rm IMAGE run --base-url https://… --client-id …`.
# Stage 1 builds the wheel exactly as a release does (python -m build); stage 2 installs only that
# wheel and its dependencies into a slim image and runs as an unprivileged user.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir "build==1.*"
COPY pyproject.toml setup.py MANIFEST.in README.md CHANGELOG.md ./
COPY conformance ./conformance
COPY cases ./cases
COPY fixtures ./fixtures
RUN python -m build --wheel --outdir /dist .

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /dist/*.whl /tmp/
RUN python -m pip install --no-cache-dir /tmp/*.whl \
    && rm /tmp/*.whl \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin conformance
USER 10001
WORKDIR /home/conformance
# Reports go to ./reports/<UTC time>/ unless --report-dir says otherwise: mount a volume here.
VOLUME ["/home/conformance/reports"]
ENTRYPOINT ["pact-conformance"]
CMD ["--help"]
