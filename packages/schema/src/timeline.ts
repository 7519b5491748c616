import { jsonSchemaOf } from '@sfgql/objects/json-schema';
import {
  readTimeline,
  TIMELINE_LIMIT,
  TIMELINE_OBJECTS,
  timelineSchema,
  timelineStatement,
} from '@sfgql/objects/related';
import type { Builder } from './builder.ts';
import { pascal, type ViewRef, viewType } from './json-types.ts';
import { invalidInput } from './lists.ts';
import { recordId } from './plan.ts';
import type { Registry } from './registry.ts';
import type { TypeRefs } from './types.ts';

/** The type of a timeline's part, by its property: `activities` → `TimelineActivity`. */
const partName = (key: string) => `Timeline${pascal(key.replace(/ies$/, 'y').replace(/s$/, ''))}`;

/**
 * `timeline(first:)` on the objects the catalog gives a timeline (contacts, leads, accounts, cases,
 * opportunities): the catalog's own view (`getContactTimeline`), its type made from the view's
 * JSON Schema. The timelines of every record of a page are read together, in one call per 200.
 */
export function defineTimelines(builder: Builder, registry: Registry, refs: TypeRefs): void {
  const made = new Map<string, ViewRef>();
  for (const apiName of TIMELINE_OBJECTS) {
    const config = registry.byApiName.get(apiName);
    if (!config) continue;
    const { spec } = config;
    const Timeline = viewType(
      builder,
      `${config.typeName}Timeline`,
      jsonSchemaOf(timelineSchema(spec), 'output'),
      made,
      partName,
    );
    builder.objectField(refs.of(config).object, 'timeline', (t) =>
      t.field({
        type: Timeline,
        nullable: true,
        description: `The ${spec.label.toLowerCase()}'s activity timeline: calls, tasks and events newest first, its recent cases where it has some, and its notes.`,
        args: {
          first: t.arg.int({
            defaultValue: TIMELINE_LIMIT.default,
            description: `How many activities, cases and notes at most (each, 1-${TIMELINE_LIMIT.max}).`,
          }),
        },
        resolve: async (source, args, ctx) => {
          const first = args.first ?? TIMELINE_LIMIT.default;
          if (!Number.isInteger(first) || first < 1 || first > TIMELINE_LIMIT.max)
            throw invalidInput(`first must be from 1 to ${TIMELINE_LIMIT.max}, got ${first}`);
          const record = await ctx.loaders
            .statement(`timeline ${apiName} ${first}`, (ids) =>
              timelineStatement(spec, { ids, limit: first }),
            )
            .load(recordId(source.record));
          return readTimeline(spec, record ?? undefined, first);
        },
      }),
    );
  }
}
