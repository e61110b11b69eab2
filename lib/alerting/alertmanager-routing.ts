import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WATCHDOG_ALERT } from './alert-rules';
import {
  Check, checkAbsolutePath, checkArrayOf, checkDataKey, checkDnsSubdomain, checkHttpUrl, checkLabelName, checkNonEmpty, checkProps, checkSecret, checkShape, oneOf,
  optional, Rules,
} from '../core/checks';
import { assertAt, show } from '../core/errors';
import { durationSeconds, formatPrometheusDuration } from '../core/durations';
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

/**
 * Where notifications go, and the non-secret settings of each channel. Every channel is optional, at least
 * one is required: a channel is on when its receiver name is set, and then its other settings are required.
 *
 * Routing with a subset: `critical` pages and copies to chat, `warning` goes to chat, `info` to e-mail;
 * an alert whose channel is off goes to the root receiver (chat, else e-mail, else the pager). The Watchdog
 * goes to the dead-man's switch, or, without one, to the receiver `discard`, which notifies nobody.
 */
export interface AlertmanagerReceivers {
  /**
   * Receiver paged for `critical` alerts (PagerDuty).
   *
   * @default - no pager
   */
  readonly pagerReceiver?: string;
  /**
   * Receiver for `warning` alerts (and a copy of `critical` ones): Slack.
   *
   * @default - no chat
   */
  readonly chatReceiver?: string;
  /**
   * Slack channel of the chat receiver (`#production-alerts`); required with `chatReceiver`.
   *
   * @default - none (no chat)
   */
  readonly chatChannel?: string;
  /**
   * Receiver for `info` alerts: e-mail.
   *
   * @default - no e-mail
   */
  readonly emailReceiver?: string;
  /**
   * Distribution list `info` alerts are mailed to; required with `emailReceiver`.
   *
   * @default - none (no e-mail)
   */
  readonly emailTo?: string;
  /**
   * Sender address; required with `emailReceiver`.
   *
   * @default - none (no e-mail)
   */
  readonly emailFrom?: string;
  /**
   * SMTP relay, `host:port`; required with `emailReceiver`.
   *
   * @default - none (no e-mail)
   */
  readonly smtpSmarthost?: string;
  /**
   * SMTP user name (the password is a credential file); required with `emailReceiver`.
   *
   * @default - none (no e-mail)
   */
  readonly smtpUsername?: string;
  /**
   * Receiver of the always-firing Watchdog.
   *
   * @default - no dead-man's switch (the Watchdog goes to `discard`)
   */
  readonly deadMansSwitchReceiver?: string;
  /**
   * Heartbeat URL of the dead-man's switch; it alerts when heartbeats stop. Not a secret. Required with
   * `deadMansSwitchReceiver`.
   *
   * @default - none (no dead-man's switch)
   */
  readonly deadMansSwitchUrl?: string;
  /**
   * Authorization scheme of the heartbeat (`GenieKey` for an Opsgenie heartbeat).
   *
   * @default 'Bearer'
   */
  readonly deadMansSwitchAuthorizationType?: string;
}

/** Receiver that notifies nobody: the Watchdog's without a dead-man's switch, the root's without a human channel. */
export const DISCARD_RECEIVER = 'discard';

/** Each channel: its receiver-name field and the settings it requires. */
const CHANNELS = {
  pager: { receiver: 'pagerReceiver', settings: [] },
  chat: { receiver: 'chatReceiver', settings: ['chatChannel'] },
  email: { receiver: 'emailReceiver', settings: ['emailTo', 'emailFrom', 'smtpSmarthost', 'smtpUsername'] },
  deadMansSwitch: { receiver: 'deadMansSwitchReceiver', settings: ['deadMansSwitchUrl', 'deadMansSwitchAuthorizationType'] },
} as const;

/**
 * The object the configuration is rendered into.
 *
 * - `config-map`: ConfigMap, which `AlertmanagerServer` mounts. Nothing in it is secret (credentials are
 *   `*_file` paths), so it is not a Secret and the `secret-literal-data` policy rule has nothing to waive.
 * - `secret`: Secret, for the Prometheus Operator, whose Alertmanager reads its configuration only from a
 *   Secret (`spec.configSecret`, kube-prometheus-stack's `alertmanager.alertmanagerSpec.configSecret`). The
 *   Secret holds the same credential-free file, but the policy cannot tell a configuration from a
 *   credential: it reports `secret-literal-data` until waived with `Policy.suppress` and that reason.
 */
export type AlertmanagerConfigOutput = 'config-map' | 'secret';

/** Every {@link AlertmanagerConfigOutput}. */
export const ALERTMANAGER_CONFIG_OUTPUTS: readonly AlertmanagerConfigOutput[] = ['config-map', 'secret'];

/** Props of {@link AlertmanagerRouting}. */
export interface AlertmanagerRoutingProps {
  /**
   * Name of the ConfigMap (or Secret) holding the configuration.
   *
   * @default MonitoringNames.ALERTMANAGER_CONFIG ('alertmanager-config')
   */
  readonly name?: string;

  /**
   * What the configuration is rendered into: a ConfigMap for `AlertmanagerServer`, or a Secret for the
   * Prometheus Operator (see {@link AlertmanagerConfigOutput}).
   *
   * @default 'config-map'
   */
  readonly output?: AlertmanagerConfigOutput;

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
   * Key of the configuration file in the rendered ConfigMap or Secret (the Prometheus Operator reads
   * `alertmanager.yaml`).
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
  pagerReceiver: optional(checkNonEmpty), chatReceiver: optional(checkNonEmpty), chatChannel: optional(checkNonEmpty),
  emailReceiver: optional(checkNonEmpty), emailTo: optional(checkNonEmpty), emailFrom: optional(checkNonEmpty),
  smtpSmarthost: optional(checkNonEmpty), smtpUsername: optional(checkNonEmpty), deadMansSwitchReceiver: optional(checkNonEmpty),
  deadMansSwitchUrl: optional(checkHttpUrl), deadMansSwitchAuthorizationType: optional(checkNonEmpty),
});

/** Run-time checks of {@link AlertmanagerRoutingProps}, applied before anything is created. */
const ALERTMANAGER_ROUTING_RULES: Rules = {
  name: optional(checkDnsSubdomain),
  output: optional(oneOf(ALERTMANAGER_CONFIG_OUTPUTS)),
  receivers: checkAlertmanagerReceivers,
  partOf: checkLabelName,
  credentialsSecret: checkSecret,
  credentialsPath: optional(checkAbsolutePath),
  configKey: optional(checkDataKey),
  burnRateTiers: optional(checkArrayOf(checkBurnRateTier)),
};

/**
 * The Alertmanager configuration, rendered as ConfigMap `alertmanager-config` (or, for the Prometheus
 * Operator, a Secret: see {@link AlertmanagerConfigOutput}): a route tree grouped by
 * alert, cluster and service, severity routing (critical to the pager and on to chat, warning
 * to chat, info to e-mail), the Watchdog to a dead-man's switch, and inhibition. Any subset of the
 * channels may be given (see {@link AlertmanagerReceivers}); only the receivers given are rendered and routed to.
 *
 * It holds no credential: every receiver reads its secret from a file under `credentialsPath` (`*_file`
 * fields), where Alertmanager mounts the externally created Secret `alertmanager-receivers`.
 */
export class AlertmanagerRouting extends Construct {
  /** The ConfigMap holding the configuration (output `config-map`). */
  public readonly configMap?: kplus.ConfigMap;

  /** The Secret holding the configuration (output `secret`). */
  public readonly secret?: kplus.Secret;

  /** Name of the ConfigMap or Secret. */
  public readonly name: string;

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
    this.name = props.name ?? MonitoringNames.ALERTMANAGER_CONFIG;
    for (const channel of Object.values(CHANNELS)) {
      const on = r[channel.receiver] !== undefined;
      for (const setting of channel.settings) {
        if (setting === 'deadMansSwitchAuthorizationType') {
          continue;
        }
        assertAt(this, `receivers.${setting}`, on === (r[setting] !== undefined)
          ? undefined : on ? `must be set when ${channel.receiver} is` : `is set but ${channel.receiver} is not: set both or neither`);
      }
      if (!on && channel.receiver === 'deadMansSwitchReceiver' && r.deadMansSwitchAuthorizationType !== undefined) {
        assertAt(this, 'receivers.deadMansSwitchAuthorizationType', 'is set but deadMansSwitchReceiver is not: set both or neither');
      }
    }
    const pager = r.pagerReceiver;
    const chat = r.chatReceiver;
    const email = r.emailReceiver;
    const deadMansSwitch = r.deadMansSwitchReceiver;
    const given = [pager, chat, email, deadMansSwitch].filter((n): n is string => n !== undefined);
    assertAt(this, 'receivers', given.length > 0
      ? undefined : 'must name at least one receiver (pagerReceiver, chatReceiver, emailReceiver or deadMansSwitchReceiver), got none');
    const root = chat ?? email ?? pager ?? DISCARD_RECEIVER;
    const watchdog = deadMansSwitch ?? DISCARD_RECEIVER;
    const names = [...given, ...(root === DISCARD_RECEIVER || watchdog === DISCARD_RECEIVER ? [DISCARD_RECEIVER] : [])];
    assertAt(this, 'receivers', new Set(names).size === names.length ? undefined : `receiver names must be distinct, got ${show(names)}`);
    if (deadMansSwitch !== undefined) {
      assertAt(this, 'receivers.deadMansSwitchUrl', /^https:\/\/\S+$/.test(r.deadMansSwitchUrl!) ? undefined : `must be an https URL, got ${show(r.deadMansSwitchUrl)}`);
    }
    if (email !== undefined) {
      assertAt(this, 'receivers.smtpSmarthost', /^[^\s:]+:\d+$/.test(r.smtpSmarthost!) ? undefined : `must be host:port, got ${show(r.smtpSmarthost)}`);
    }
    assertAt(this, 'credentialsPath', /^\/\S*[^/]$/.test(credentialsPath) ? undefined : `must be an absolute path without a trailing slash, got ${show(credentialsPath)}`);

    const file = (key: string) => `${credentialsPath}/${key}`;
    const references = SecretReferences.of(this);
    const usedKeys: string[] = [
      ...(pager !== undefined ? [AlertmanagerCredentialKeys.PAGERDUTY_ROUTING_KEY] : []),
      ...(chat !== undefined ? [AlertmanagerCredentialKeys.SLACK_WEBHOOK_URL] : []),
      ...(email !== undefined ? [AlertmanagerCredentialKeys.SMTP_PASSWORD] : []),
      ...(deadMansSwitch !== undefined ? [AlertmanagerCredentialKeys.DEADMANS_SWITCH_TOKEN] : []),
    ];
    for (const key of Object.values(AlertmanagerCredentialKeys).filter((k) => usedKeys.includes(k))) {
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
        receiver: root,
        group_by: ['alertname', 'cluster', 'service'],
        group_wait: '10s',
        group_interval: '10s',
        repeat_interval: '12h',
        routes: [
          {
            // First, so the heartbeat never reaches a human; repeated every minute because the switch
            // alerts when heartbeats stop.
            receiver: watchdog,
            matchers: [`alertname="${WATCHDOG_ALERT}"`],
            group_wait: '0s',
            group_interval: '1m',
            repeat_interval: '1m',
          },
          // P0: page, and continue so the team channel sees it too.
          ...(pager === undefined ? [] : [{ receiver: pager, matchers: ['severity="critical"'], ...(chat === undefined ? {} : { continue: true }) }]),
          ...(chat === undefined ? [] : [{ receiver: chat, matchers: ['severity=~"critical|warning"'] }]),
          ...(email === undefined ? [] : [{ receiver: email, matchers: ['severity="info"'] }]),
        ],
      },
      inhibit_rules: [
        ...(props.inhibitions ?? []).map((i) => ({ source_matchers: [...i.sourceMatchers], target_matchers: [...i.targetMatchers], equal: [...i.equal] })),
        // A faster burn of an SLO makes its slower burns noise (the page already says the budget burns).
        ...tiers.slice(0, -1).map((tier, i) => ({
          source_matchers: [`${SloLabels.SLO}=~".+"`, `${SloLabels.LONG_WINDOW}="${formatPrometheusDuration(tier.longWindow)}"`],
          target_matchers: [`${SloLabels.SLO}=~".+"`, `${SloLabels.LONG_WINDOW}=~"${tiers.slice(i + 1).map((t) => formatPrometheusDuration(t.longWindow)).join('|')}"`],
          equal: [SloLabels.SLO],
        })),
      ],
      receivers: [
        ...(pager === undefined ? [] : [{
          name: pager,
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
        }]),
        ...(chat === undefined ? [] : [{
          name: chat,
          slack_configs: [{
            api_url_file: file(AlertmanagerCredentialKeys.SLACK_WEBHOOK_URL),
            channel: r.chatChannel,
            title: '{{ .GroupLabels.alertname }}',
            text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}',
            send_resolved: true,
          }],
        }]),
        ...(email === undefined ? [] : [{
          name: email,
          email_configs: [{
            to: r.emailTo,
            from: r.emailFrom,
            smarthost: r.smtpSmarthost,
            auth_username: r.smtpUsername,
            auth_password_file: file(AlertmanagerCredentialKeys.SMTP_PASSWORD),
            require_tls: true,
            send_resolved: true,
          }],
        }]),
        ...(deadMansSwitch === undefined ? [] : [{
          name: deadMansSwitch,
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
        }]),
        ...(names.includes(DISCARD_RECEIVER) ? [{ name: DISCARD_RECEIVER }] : []),
      ],
    };
    this.configYaml = toYamlDocument(this.config);

    this.routeExpectations = [
      { labels: { alertname: 'AnyCritical', severity: 'critical', namespace: 'default' }, receivers: pager !== undefined || chat !== undefined ? given.filter((n) => n === pager || n === chat) : [root] },
      { labels: { alertname: 'AnyWarning', severity: 'warning', namespace: 'default' }, receivers: [chat ?? root] },
      { labels: { alertname: 'AnyInfo', severity: 'info', namespace: 'default' }, receivers: [email ?? root] },
      { labels: { alertname: WATCHDOG_ALERT, severity: 'info' }, receivers: [watchdog] },
      { labels: { alertname: 'SomethingWithoutSeverity' }, receivers: [root] },
    ];

    const metadata = {
      name: this.name,
      labels: recommendedLabels({ name: 'alertmanager', instance: this.name, component: 'alerting', partOf: props.partOf }),
    };
    if ((props.output ?? 'config-map') === 'secret') {
      this.secret = new kplus.Secret(this, 'Secret', { metadata, stringData: { [this.configKey]: this.configYaml } });
    } else {
      this.configMap = new kplus.ConfigMap(this, 'ConfigMap', { metadata, data: { [this.configKey]: this.configYaml } });
    }
  }
}
