#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the messages of a Kafka topic, from the beginning, as JSON lines.

  kafka_consume.py --brokers 127.0.0.1:19400 --topic alerts [--expect 1] [--timeout 20]

Each line is ``{"topic", "partition", "offset", "key", "value", "timestamp"}`` (key and value
decoded as UTF-8, ``null`` when absent). Waits until at least ``--expect`` messages were read
and the end of every partition was reached, or ``--timeout`` seconds passed; exits 1 (saying
so on stderr) when fewer than ``--expect`` messages arrived. Producers such as Kapacitor send
asynchronously, so the topic may not exist yet when this starts: that is waited for too.
Needs confluent-kafka (tests/stack/requirements.txt).
"""

import argparse
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError


def text(raw):
    return None if raw is None else raw.decode('utf-8', errors='replace')


def consume(brokers, topic, expect=1, timeout=20.0):
    consumer = Consumer({
        'bootstrap.servers': brokers,
        'group.id': 'tick-consume-%s' % uuid.uuid4().hex,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
        'topic.metadata.refresh.interval.ms': 500,
        'allow.auto.create.topics': False,
        'log_level': 3,
    })
    messages = []
    at_end = set()
    deadline = time.time() + timeout
    try:
        consumer.subscribe([topic])
        while time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                    assigned = set(p.partition for p in consumer.assignment())
                    if len(messages) >= expect and assigned and assigned <= at_end:
                        break
                    continue
                if err.code() in (KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_TOPIC,
                                  KafkaError._TRANSPORT, KafkaError.LEADER_NOT_AVAILABLE):
                    continue  # not created yet, or the broker is still electing a leader
                raise SystemExit('kafka_consume.py: %s' % err.str())
            at_end.discard(msg.partition())
            messages.append({
                'topic': msg.topic(), 'partition': msg.partition(), 'offset': msg.offset(),
                'key': text(msg.key()), 'value': text(msg.value()),
                'timestamp': msg.timestamp()[1],
            })
    finally:
        consumer.close()
    return messages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--brokers', required=True, help='host:port[,host:port...]')
    parser.add_argument('--topic', required=True)
    parser.add_argument('--expect', type=int, default=1, help='messages to wait for (default 1)')
    parser.add_argument('--timeout', type=float, default=20.0, help='seconds (default 20)')
    args = parser.parse_args(argv)
    messages = consume(args.brokers, args.topic, args.expect, args.timeout)
    for message in messages:
        print(json.dumps(message, sort_keys=True))
    if len(messages) < args.expect:
        sys.stderr.write('kafka_consume.py: %d of %d expected message(s) on topic %r at %s within '
                         '%g s\n' % (len(messages), args.expect, args.topic, args.brokers, args.timeout))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
