"""The Slack adapter (slack-bolt, async): HTTP mode on `/slack/events`, or Socket Mode."""

from adapters.slack.app import SlackAdapter, SlackTuning, build_slack

__all__ = ["SlackAdapter", "SlackTuning", "build_slack"]
