#!/bin/sh
# kafka-topics.sh: the job of docker-compose.yml that creates Provenant's
# topics (DESIGN.md's fixed contract) before any service runs, with the
# partitions that bound how many ingest replicas share the work: the events
# topic provenant.events.v1 and the dead letters provenant.events.dlq.v1.
# Existing topics are left as they are. Runs in the apache/kafka image.
#
# Environment: KAFKA_BOOTSTRAP (default kafka:9092), PARTITIONS (default 4),
# REPLICATION_FACTOR (default 1: one broker).
set -eu
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
partitions="${PARTITIONS:-4}"
replication="${REPLICATION_FACTOR:-1}"
for topic in provenant.events.v1 provenant.events.dlq.v1; do
	/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
		--topic "$topic" --partitions "$partitions" --replication-factor "$replication"
	/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --describe --topic "$topic"
done
