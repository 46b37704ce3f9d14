/**
 * The staff reports the console shows and exports: their API path, parameters (the API's own
 * names), table columns and CSV columns. A report added to the API is one more entry here.
 */
import type { DuplicateIdentifiersReportPage, ExpiringReportPage, StaleReportPage, VersionsReportPage } from '../../functions/api/responseSchemas.js';
import type { ComplianceRow } from '../../functions/domain/licensing.js';
import type { Cell } from './csv.js';

type RowOf<Page extends { items: readonly unknown[] }> = Page['items'][number];
type ExpiringRow = RowOf<ExpiringReportPage>;
type StaleRow = RowOf<StaleReportPage>;
type OverDeploymentRow = ComplianceRow & { customerId: string };
type DuplicateIdentifierRow = RowOf<DuplicateIdentifiersReportPage>;
type VersionRow = RowOf<VersionsReportPage>;

export interface ReportParam {
  name: string;
  label: string;
  type: 'number' | 'date' | 'text';
  placeholder?: string;
  min?: number;
  max?: number;
  help: string;
}

/** A column of a report whose rows are `Row`s (`unknown`: any report's, as the views handle them). */
export interface ReportColumn<Row = unknown> {
  key: string;
  label: string;
  numeric?: boolean;
  /** Links the cell to a customer or install page. */
  link?: 'customer' | 'install';
  /** How the table shows the value (the CSV keeps it as the API gave it): a status badge, a timestamp. */
  show?: 'status' | 'datetime';
  value: (row: Row) => Cell;
}

export interface ReportDef<Row = unknown> {
  name: string;
  title: string;
  path: string;
  description: string;
  params: ReportParam[];
  columns: ReportColumn<Row>[];
  empty: string;
}

/**
 * A report whose columns read its own rows' fields. The views handle every report alike and
 * give a report's columns only the rows of its own path, so its row type stays here.
 */
function report<Row>(def: ReportDef<Row>): ReportDef {
  return def as unknown as ReportDef;
}

const installColumns: ReportColumn<{ installId: string; customerId: string }>[] = [
  { key: 'installId', label: 'Install', link: 'install', value: (r) => r.installId },
  { key: 'customerId', label: 'Customer', link: 'customer', value: (r) => r.customerId },
];

export const REPORTS: ReportDef[] = [
  report<ExpiringRow>({
    name: 'expiring',
    title: 'Expiring licenses',
    path: '/v1/reports/expiring',
    description: 'Installs with licensed devices or containers whose license ends within the window, soonest first.',
    params: [
      { name: 'withinDays', label: 'Within days', type: 'number', min: 0, max: 366, placeholder: '30', help: '0–366, default 30' },
      { name: 'asOf', label: 'As of (date)', type: 'date', help: 'Default: today' },
    ],
    columns: [
      ...installColumns,
      { key: 'devices', label: 'Devices', numeric: true, value: (r) => r.devices },
      { key: 'containers', label: 'Containers', numeric: true, value: (r) => r.containers },
      { key: 'firstUnlicensedOn', label: 'First end date', value: (r) => r.firstUnlicensedOn },
    ],
    empty: 'No licenses end within this window.',
  }),
  report<StaleRow>({
    name: 'stale',
    title: 'Stale installs',
    path: '/v1/reports/stale',
    description: 'Installs with no accepted upload in the days before the date, or none ever; never-seen first.',
    params: [
      { name: 'days', label: 'Silent for days', type: 'number', min: 0, max: 3650, placeholder: '2', help: '0–3650, default 2' },
      { name: 'asOf', label: 'As of (RFC 3339)', type: 'text', placeholder: '2026-12-01T00:00:00Z', help: 'Default: now' },
    ],
    columns: [
      ...installColumns,
      { key: 'name', label: 'Name', value: (r) => r.name },
      { key: 'lastSeenAt', label: 'Last seen', value: (r) => r.lastSeenAt ?? 'never' },
    ],
    empty: 'Every install has reported recently.',
  }),
  report<OverDeploymentRow>({
    name: 'over-deployment',
    title: 'Over-deployment',
    path: '/v1/reports/over-deployment',
    description: 'Usage beyond what customers are entitled to (over, over past grace, unentitled), largest overage first.',
    params: [{ name: 'asOf', label: 'As of (date)', type: 'date', help: 'Default: today' }],
    columns: [
      { key: 'customerId', label: 'Customer', link: 'customer', value: (r) => r.customerId },
      { key: 'item', label: 'Item', value: (r) => r.item },
      { key: 'installId', label: 'Scope', link: 'install', value: (r) => r.installId ?? 'pool' },
      { key: 'entitled', label: 'Entitled', numeric: true, value: (r) => r.entitled },
      { key: 'used', label: 'Used', numeric: true, value: (r) => r.used },
      { key: 'peak', label: 'Peak', numeric: true, value: (r) => r.peak },
      { key: 'overage', label: 'Overage', numeric: true, value: (r) => r.overage },
      { key: 'status', label: 'Status', show: 'status', value: (r) => r.status },
      { key: 'overSince', label: 'Over since', show: 'datetime', value: (r) => r.overSince },
    ],
    empty: 'No customer uses more than it is entitled to.',
  }),
  report<DuplicateIdentifierRow>({
    name: 'duplicate-identifiers',
    title: 'Duplicate identifiers',
    path: '/v1/reports/duplicate-identifiers',
    description: 'ARIDs, hardware ids and serial numbers reported by more than one install (possible double licensing).',
    params: [],
    columns: [
      { key: 'kind', label: 'Kind', value: (r) => r.kind },
      { key: 'value', label: 'Identifier', value: (r) => r.value },
      { key: 'count', label: 'Installs', numeric: true, value: (r) => r.installs.length },
      { key: 'installs', label: 'Held by', value: (r) => r.installs.map((i) => `${i.installId} (${i.customerId ?? 'unregistered'})`).join('; ') },
    ],
    empty: 'No identifier is reported by more than one install.',
  }),
  report<VersionRow>({
    name: 'versions',
    title: 'Versions',
    path: '/v1/reports/versions',
    description: 'Device software versions across the fleet, by device type.',
    params: [{ name: 'deviceType', label: 'Device type', type: 'text', placeholder: 'all', help: 'Exactly as reported, e.g. MiVoice 6920' }],
    columns: [
      { key: 'deviceType', label: 'Device type', value: (r) => r.deviceType },
      { key: 'softwareVersion', label: 'Software version', value: (r) => r.softwareVersion },
      { key: 'devices', label: 'Devices', numeric: true, value: (r) => r.devices },
      { key: 'installs', label: 'Installs', numeric: true, value: (r) => r.installs },
    ],
    empty: 'No install has reported devices and their versions yet.',
  }),
];

export function reportNamed(name: string | undefined): ReportDef {
  return REPORTS.find((r) => r.name === name) ?? REPORTS[0];
}
