import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WATCHDOG_ALERT } from './alert-rules';
import {
  Check, checkAbsolutePath, checkArrayOf, checkDataKey, checkHttpUrl, checkLabelName, checkNonEmpty, checkProps, checkSecret, checkShape, optional, Rules,
} from '../core/checks';
import { assertAt, show } from '../core/errors';
import { durationSeconds } from '../core/durations';
import { toYamlDocument } from '../render/yaml';
import { recommendedLabels } from '../core/labels';
import { MonitoringNames } from '../observability/monitoring-names';
import { SecretReferences } from '../core/secret-references';
import { BurnRateTier, checkBurnRateTier, SloLabels, allCatalogueTiers } from './service-level-objective';

/** Keys of the receivers' credentials in the externally created Secret `alertmanager-receivers`. */
export const AlertmanagerCredentialKeys = {
  /** PagerDuty Events API v2 integration (routing) key. */
  PAGERDUTY_ROUTING_KEY: 'pagerduty-routing-key',
  /** Slack incoming-webhook URL (the URL is the credential). */
  SLACK_WEBHOOK_URL: 'slack-webhook-url',
  /** Password of the SMTP relay. */
  SMTP_PASSWORD: 'smtp-password',
  /** Token the dead-man's switch authenticates heartbeats with. */
  DEADMANS_SWITCH_TOKEN: 'deadmans-switch-token',
} as const;

/** Where notifications go, and the non-secret settings of each channel. */
export interface AlertmanagerReceivers {
  /** Receiver paged for `critical` alerts (PagerDuty). */
  readonly pagerReceiver: string;
  /** Receiver for `warning` alerts (and a copy of `critical` ones): Slack. */
  readonly chatReceiver: string;
  /** Slack channel of the chat receiver (`#production-alerts`). */
  readonly chatChannel: string;
  /** Receiver for `info` alerts: e-mail. */
  readonly emailReceiver: string;
  /** Distribution list `info` alerts are mailed to. */
  readonly emailTo: string;
  /** Sender address. */
  readonly emailFrom: string;
  /** SMTP relay, `host:port`. */
  readonly smtpSmarthost: string;
  /** SMTP user name (the password is a credential file). */
  readonly smtpUsername: string;
  /** Receiver of the always-firing Watchdog. */
  readonly deadMansSwitchReceiver: string;
  /** Heartbeat URL of the dead-man's switch; it alerts when heartbeats stop. Not a secret. */
  readonly deadMansSwitchUrl: string;
  /**
   * Authorization scheme of the heartbeat (`GenieKey` for an Opsgenie heartbeat).
   *
   * @default 'Bearer'
   */
  readonly deadMansSwitchAuthorizationType?: string;
}

/** Props of {@link AlertmanagerRouting}. */
export interface AlertmanagerRoutingProps {
  /** Receivers and their settings. */
  readonly receivers: AlertmanagerReceivers;

  /** System name for `app.kubernetes.io/part-of`. */
  readonly partOf: string;

  /** The Secret holding the receivers' credentials (keys in {@link AlertmanagerCredentialKeys}); created outside this repository. */
  readonly credentialsSecret: kplus.ISecret;

  /**
   * Directory Alertmanager mounts `credentialsSecret` at; the configuration reads the credentials from it.
   *
   * @default MonitoringNames.ALERTMANAGER_RECEIVERS_MOUNT_PATH
   */
  readonly credentialsPath?: string;

  /**
   * Key of the configuration file in the rendered Secret.
   *
   * @default MonitoringNames.ALERTMANAGER_CONFIG_KEY ('alertmanager.yml')
   */
  readonly configKey?: string;

  /**
   * Burn-rate tiers of the SLO alerts; each inhibits the slower ones (longer window) of the same SLO.
   *
   * @default - every tier of every period's catalogue (`BURN_RATE_WINDOW_CATALOGUES`)
   */
  readonly burnRateTiers?: readonly BurnRateTier[];

  /**
   * Inhibitions besides the SLO tiers': while an alert matching `sourceMatchers` fires, alerts matching
   * `targetMatchers` that share the `equal` labels are muted.
   *
   * @default - none
   * @see https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule
   */
  readonly inhibitions?: readonly AlertInhibition[];
}

/** One Alertmanager inhibit rule: a cause that makes its consequences noise. */
export interface AlertInhibition {
  /** Matchers of the cause (`alertname="DatabaseDown"`). */
  readonly sourceMatchers: string[];
  /** Matchers of the alerts it mutes. */
  readonly targetMatchers: string[];
  /** Labels cause and consequence must share (`namespace`). */
  readonly equal: string[];
}

/** An alert's labels and the receivers it must reach, in order: what `amtool config routes test` checks. */
export interface RouteExpectation {
  readonly labels: Record<string, string>;
  readonly receivers: string[];
}

/** The run-time check of {@link AlertmanagerReceivers}: every receiver named, the dead man's switch an http(s) URL. */
export const checkAlertmanagerReceivers: Check = checkShape({
  pagerReceiver: checkNonEmpty, chatReceiver: checkNonEmpty, chatChannel: checkNonEmpty, emailReceiver: checkNonEmpty, emailTo: checkNonEmpty,
  emailFrom: checkNonEmpty, smtpSmarthost: checkNonEmpty, smtpUsername: checkNonEmpty, deadMansSwitchReceiver: checkNonEmpty,
  deadMansSwitchUrl: checkHttpUrl, deadMansSwitchAuthorizationType: optional(checkNonEmpty),
});

/** Run-time checks of {@link AlertmanagerRoutingProps}, applied before anything is created. */
const ALERTMANAGER_ROUTING_RULES: Rules = {
  receivers: checkAlertmanagerReceivers,
  partOf: checkLabelName,
  credentialsSecret: checkSecret,
  credentialsPath: optional(checkAbsolutePath),
  configKey: optional(checkDataKey),
  burnRateTiers: optional(checkArrayOf(checkBurnRateTier)),
};

/**
 * The Alertmanager configuration, rendered as the Secret `alertmanager-config`: a route tree grouped by
 * alert, cluster and service, severity routing (critical to the pager and on to chat, warning
 * to chat, info to e-mail), the Watchdog to a dead-man's switch, and inhibition.
 *
 * It holds no credential: every receiver reads its secret from a file under `credentialsPath` (`*_file`
 * fields), where Alertmanager mounts the externally created Secret `alertmanager-receivers`.
 */
export class AlertmanagerRouting extends Construct {
  /** Secret `alertmanager-config`. */
  public readonly secret: kplus.Secret;

  /** The configuration, as an object. */
  public readonly config: Record<string, unknown>;

  /** The configuration file's text. */
  public readonly configYaml: string;

  /** Key of the configuration file in the Secret. */
  public readonly configKey: string;

  /** Where representative alerts must be delivered. */
  public readonly routeExpectations: RouteExpectation[];

  constructor(scope: Construct, id: string, props: AlertmanagerRoutingProps) {
    super(scope, id);
    checkProps(this, props, ALERTMANAGER_ROUTING_RULES);
    const r = props.receivers;
    const credentialsPath = props.credentialsPath ?? MonitoringNames.ALERTMANAGER_RECEIVERS_MOUNT_PATH;
    const tiers = [...(props.burnRateTiers ?? allCatalogueTiers())].sort((a, b) => durationSeconds(a.longWindow)! - durationSeconds(b.longWindow)!);
    this.configKey = props.configKey ?? MonitoringNames.ALERTMANAGER_CONFIG_KEY;
    for (const field of ['pagerReceiver', 'chatReceiver', 'chatChannel', 'emailReceiver', 'emailTo', 'emailFrom', 'smtpSmarthost', 'smtpUsername', 'deadMansSwitchReceiver'] as const) {
      assertAt(this, `receivers.${field}`, checkNonEmpty(r[field]));
    }
    const names = [r.pagerReceiver, r.chatReceiver, r.emailReceiver, r.deadMansSwitchReceiver];
    assertAt(this, 'receivers', new Set(names).size === names.length ? undefined : `receiver names must be distinct, got ${show(names)}`);
    assertAt(this, 'receivers.deadMansSwitchUrl', /^https:\/\/\S+$/.test(r.deadMansSwitchUrl) ? undefined : `must be an https URL, got ${show(r.deadMansSwitchUrl)}`);
    assertAt(this, 'receivers.smtpSmarthost', /^[^\s:]+:\d+$/.test(r.smtpSmarthost) ? undefined : `must be host:port, got ${show(r.smtpSmarthost)}`);
    assertAt(this, 'credentialsPath', /^\/\S*[^/]$/.test(credentialsPath) ? undefined : `must be an absolute path without a trailing slash, got ${show(credentialsPath)}`);

    const file = (key: string) => `${credentialsPath}/${key}`;
    const references = SecretReferences.of(this);
    for (const key of Object.values(AlertmanagerCredentialKeys)) {
      references.recordKey(this, props.credentialsSecret, key);
    }

    this.config = {
      global: {
        resolve_timeout: '5m',
        // Events API v2, so receivers use a routing key: the seed's `service_key` belongs to the v1 API
        // and is not accepted by this endpoint.
        pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
      },
      route: {
        // Only alerts without a known severity reach the root; they go to chat rather than the pager,
        // since every rule this repository ships sets a severity.
        receiver: r.chatReceiver,
        group_by: ['alertname', 'cluster', 'service'],
        group_wait: '10s',
        group_interval: '10s',
        repeat_interval: '12h',
        routes: [
          {
            // First, so the heartbeat never reaches a human; repeated every minute because the switch
            // alerts when heartbeats stop.
            receiver: r.deadMansSwitchReceiver,
            matchers: [`alertname="${WATCHDOG_ALERT}"`],
            group_wait: '0s',
            group_interval: '1m',
            repeat_interval: '1m',
          },
          // P0: page, and continue so the team channel sees it too.
          { receiver: r.pagerReceiver, matchers: ['severity="critical"'], continue: true },
          { receiver: r.chatReceiver, matchers: ['severity=~"critical|warning"'] },
          { receiver: r.emailReceiver, matchers: ['severity="info"'] },
        ],
      },
      inhibit_rules: [
        ...(props.inhibitions ?? []).map((i) => ({ source_matchers: [...i.sourceMatchers], target_matchers: [...i.targetMatchers], equal: [...i.equal] })),
        // A faster burn of an SLO makes its slower burns noise (the page already says the budget burns).
        ...tiers.slice(0, -1).map((tier, i) => ({
          source_matchers: [`${SloLabels.SLO}=~".+"`, `${SloLabels.LONG_WINDOW}="${tier.longWindow}"`],
          target_matchers: [`${SloLabels.SLO}=~".+"`, `${SloLabels.LONG_WINDOW}=~"${tiers.slice(i + 1).map((t) => t.longWindow).join('|')}"`],
          equal: [SloLabels.SLO],
        })),
      ],
      receivers: [
        {
          name: r.pagerReceiver,
          pagerduty_configs: [{
            routing_key_file: file(AlertmanagerCredentialKeys.PAGERDUTY_ROUTING_KEY),
            description: '{{ .GroupLabels.alertname }}: {{ .CommonAnnotations.summary }}',
            severity: '{{ .CommonLabels.severity }}',
            details: {
              firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
              resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
              num_firing: '{{ .Alerts.Firing | len }}',
              num_resolved: '{{ .Alerts.Resolved | len }}',
            },
            send_resolved: true,
          }],
        },
        {
          name: r.chatReceiver,
          slack_configs: [{
            api_url_file: file(AlertmanagerCredentialKeys.SLACK_WEBHOOK_URL),
            channel: r.chatChannel,
            title: '{{ .GroupLabels.alertname }}',
            text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}',
            send_resolved: true,
          }],
        },
        {
          name: r.emailReceiver,
          email_configs: [{
            to: r.emailTo,
            from: r.emailFrom,
            smarthost: r.smtpSmarthost,
            auth_username: r.smtpUsername,
            auth_password_file: file(AlertmanagerCredentialKeys.SMTP_PASSWORD),
            require_tls: true,
            send_resolved: true,
          }],
        },
        {
          name: r.deadMansSwitchReceiver,
          webhook_configs: [{
            url: r.deadMansSwitchUrl,
            http_config: {
              authorization: {
                type: r.deadMansSwitchAuthorizationType ?? 'Bearer',
                credentials_file: file(AlertmanagerCredentialKeys.DEADMANS_SWITCH_TOKEN),
              },
            },
            send_resolved: false,
          }],
        },
      ],
    };
    this.configYaml = toYamlDocument(this.config);

    this.routeExpectations = [
      { labels: { alertname: 'AnyCritical', severity: 'critical', namespace: 'default' }, receivers: [r.pagerReceiver, r.chatReceiver] },
      { labels: { alertname: 'AnyWarning', severity: 'warning', namespace: 'default' }, receivers: [r.chatReceiver] },
      { labels: { alertname: 'AnyInfo', severity: 'info', namespace: 'default' }, receivers: [r.emailReceiver] },
      { labels: { alertname: WATCHDOG_ALERT, severity: 'info' }, receivers: [r.deadMansSwitchReceiver] },
      { labels: { alertname: 'SomethingWithoutSeverity' }, receivers: [r.chatReceiver] },
    ];

    this.secret = new kplus.Secret(this, 'Secret', {
      metadata: {
        name: MonitoringNames.ALERTMANAGER_CONFIG_SECRET,
        labels: recommendedLabels({ name: 'alertmanager', instance: 'alertmanager-config', component: 'alerting', partOf: props.partOf }),
      },
      stringData: { [this.configKey]: this.configYaml },
    });
  }
}
