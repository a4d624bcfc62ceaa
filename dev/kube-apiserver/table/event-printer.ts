import type { KubeObject } from '../types.ts';
import * as doc from './descriptions.ts';
import { numberAt, objectAt, stringAt, valueAt, type JsonObject } from './fields.ts';
import { column, nameColumn, timeSince, type Printer } from './printer.ts';

/**
 * The Event printer. A real server keeps core/v1 and events.k8s.io/v1 Events in one storage and
 * prints both with this printer, so an events.k8s.io Event is first read through the core field
 * names (`regarding` → `involvedObject`, `note` → `message`, `deprecated*` → their core names).
 */

/** The fields the printer reads, in core/v1 terms. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  involvedObject: JsonObject | undefined;
  source: JsonObject | undefined;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: JsonObject | undefined;
}

function coreView(event: KubeObject): EventView {
  return {
    name: event.metadata.name ?? '',
    type: stringAt(event, 'type'),
    reason: stringAt(event, 'reason'),
    message: stringAt(event, 'message'),
    involvedObject: objectAt(event, 'involvedObject'),
    source: objectAt(event, 'source'),
    reportingController: stringAt(event, 'reportingComponent'),
    reportingInstance: stringAt(event, 'reportingInstance'),
    firstTimestamp: valueAt(event, 'firstTimestamp'),
    lastTimestamp: valueAt(event, 'lastTimestamp'),
    eventTime: valueAt(event, 'eventTime'),
    count: numberAt(event, ['count']),
    series: objectAt(event, 'series'),
  };
}

function eventsV1View(event: KubeObject): EventView {
  return {
    ...coreView(event),
    message: stringAt(event, 'note'),
    involvedObject: objectAt(event, 'regarding'),
    source: objectAt(event, 'deprecatedSource'),
    reportingController: stringAt(event, 'reportingController'),
    firstTimestamp: valueAt(event, 'deprecatedFirstTimestamp'),
    lastTimestamp: valueAt(event, 'deprecatedLastTimestamp'),
    count: numberAt(event, ['deprecatedCount']),
  };
}

function isSet(timestamp: unknown): boolean {
  return typeof timestamp === 'string' && timestamp !== '';
}

/** `kind/name` with the kind lower-cased, or the kind alone when the reference has no name. */
function target(involved: JsonObject | undefined): string {
  const kind = stringAt(involved, 'kind').toLowerCase();
  const name = stringAt(involved, 'name');
  return name ? `${kind}/${name}` : kind;
}

/** `formatEventSource`: `component, host`, falling back to the reporting controller and instance. */
function source(view: EventView): string {
  const component = stringAt(view.source, 'component') || view.reportingController;
  const host = stringAt(view.source, 'host') || view.reportingInstance;
  return host ? `${component}, ${host}` : component;
}

function eventCells(view: EventView, now: Date): unknown[] {
  const firstSeen = timeSince(isSet(view.firstTimestamp) ? view.firstTimestamp : view.eventTime, now);
  let lastSeen = isSet(view.lastTimestamp) ? timeSince(view.lastTimestamp, now) : firstSeen;
  let count = view.count === 0 ? 1 : view.count;
  if (view.series) {
    lastSeen = timeSince(valueAt(view.series, 'lastObservedTime'), now);
    count = numberAt(view.series, ['count']);
  }
  return [
    lastSeen,
    view.type,
    view.reason,
    target(view.involvedObject),
    stringAt(view.involvedObject, 'fieldPath'),
    source(view),
    view.message.trim(),
    firstSeen,
    count,
    view.name,
  ];
}

const WIDE = { priority: 1 };

const eventColumns = [
  column('Last Seen', doc.EVENT_LAST_SEEN),
  column('Type', doc.EVENT_TYPE),
  column('Reason', doc.EVENT_REASON),
  column('Object', doc.EVENT_OBJECT),
  column('Subobject', doc.EVENT_SUBOBJECT, WIDE),
  column('Source', doc.EVENT_SOURCE, WIDE),
  column('Message', doc.EVENT_MESSAGE),
  column('First Seen', doc.EVENT_FIRST_SEEN, WIDE),
  column('Count', doc.EVENT_COUNT, WIDE),
  nameColumn(1),
];

/** core/v1 Event: Last Seen, Type, Reason, Object, Message; wide adds Subobject, Source, First Seen, Count, Name. */
export const coreEventPrinter: Printer = {
  columns: eventColumns,
  row: (event, now) => ({ cells: eventCells(coreView(event), now) }),
};

/** events.k8s.io/v1 Event: the same columns, read from the events.k8s.io field names. */
export const eventsV1EventPrinter: Printer = {
  columns: eventColumns,
  row: (event, now) => ({ cells: eventCells(eventsV1View(event), now) }),
};
