"""Supervision (监督): detectors run by a job raise alerts with their evidence; staff acknowledge
and resolve them (alerts.py). One file per detector; thresholds in thresholds.py."""
