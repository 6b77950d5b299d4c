#!/bin/sh
# Provisions queues, DLQs, tables and the bucket in LocalStack with Relay's own provisioner
# (RI §6.4). Idempotent: running it again prints "unchanged" for every resource.
set -e
exec java -jar /app/relay.jar provision --environment "${ENVIRONMENT:-localstack}"
