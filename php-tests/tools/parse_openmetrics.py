"""Parses OpenMetrics text from stdin with prometheus_client's strict parser (the one
Prometheus-compatible tooling uses) and prints one line per sample: name{labels} value.
Exits non-zero, with the parser's message, on any format error."""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

text = sys.stdin.read()
for family in text_string_to_metric_families(text):
    for s in family.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{family.type} {s.name}{{{labels}}} {s.value:g}")
