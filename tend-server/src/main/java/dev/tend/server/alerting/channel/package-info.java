/**
 * Where alerts go: channels that deliver one {@link dev.tend.alert.AlertEvent} each (a JSON
 * webhook, Slack, e-mail over SMTP, Alertmanager's v2 API), their settings from the server's
 * configuration, and the {@link dev.tend.server.alerting.channel.ChannelDispatcher} that fans
 * events out to them off the caller's thread with retries. See docs/alert-channels.md.
 */
package dev.tend.server.alerting.channel;
