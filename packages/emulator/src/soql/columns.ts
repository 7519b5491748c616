/**
 * Column metadata: what `GET /query?q=...&columns=true` answers instead of records. The Salesforce
 * CLI asks for it before printing any query that returns rows, and builds its table and CSV
 * columns from it: a parent path is a column named after the relationship whose `joinColumns`
 * hold the next step, a child subquery a column with `aggregate: true` whose `joinColumns` are the
 * subquery's columns, and an aggregate function a column named `exprN` (or its alias) whose
 * `displayName` is the function as written.
 *
 * The shape follows captured responses in the CLI's own tests; the top-level values for aggregate
 * queries (`entityName`, `keyPrefix`) are unconfirmed.
 */
import type { FieldMeta, FieldType } from '../metadata/types.ts';
import type { JoinNode, Output, QueryPlan, RecordShape } from './compile.ts';

/** One column, as Salesforce describes it. */
export interface ColumnMetadata {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

/** The body of a `columns=true` query. */
export interface QueryColumns {
  columnMetadata: ColumnMetadata[];
  entityName: string;
  groupBy: boolean;
  idSelected: boolean;
  keyPrefix: string | null;
}

const APEX_TYPES: Partial<Record<FieldType, string>> = {
  id: 'Id',
  reference: 'Id',
  boolean: 'Boolean',
  int: 'Integer',
  double: 'Double',
  percent: 'Double',
  currency: 'Decimal',
  date: 'Date',
  datetime: 'Datetime',
  time: 'Time',
  base64: 'Blob',
};

const NUMBER_TYPES = new Set<FieldType>(['int', 'double', 'currency', 'percent']);

function fieldColumn(field: FieldMeta, name = field.name): ColumnMetadata {
  return {
    aggregate: false,
    apexType: APEX_TYPES[field.type] ?? 'String',
    booleanType: field.type === 'boolean',
    columnName: name,
    custom: field.custom,
    displayName: name,
    foreignKeyName: null,
    insertable: field.createable,
    joinColumns: [],
    numberType: NUMBER_TYPES.has(field.type),
    textType: !(field.type in APEX_TYPES),
    updatable: field.updateable,
  };
}

/**
 * A column that holds others: a relationship (`Account`, `Owner`) with the next step of a parent
 * path, or a child subquery (`Contacts`, `aggregate: true`) with its columns.
 */
function holderColumn(
  name: string,
  joinColumns: ColumnMetadata[],
  foreignKey: string | null,
): ColumnMetadata {
  return {
    aggregate: foreignKey === null,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom: /__r$/i.test(name),
    displayName: name,
    foreignKeyName: foreignKey,
    insertable: false,
    joinColumns,
    numberType: false,
    textType: false,
    updatable: false,
  };
}

/** Wraps a column in its parent relationships, outermost first. */
function underNodes(nodes: JoinNode[], column: ColumnMetadata): ColumnMetadata {
  return nodes.reduceRight((inner, node) => holderColumn(node.name, [inner], node.foreignKey), column);
}

function outputColumn(output: Output): ColumnMetadata {
  switch (output.kind) {
    case 'value':
      return underNodes(output.nodes, fieldColumn(output.field, output.key));
    case 'child':
      return holderColumn(output.key, shapeColumns(output.plan), null);
    case 'typeof': {
      // Every field any branch selects, once each.
      const seen = new Map<string, ColumnMetadata>();
      for (const value of [...output.branches.values(), output.otherwise ?? []].flat()) {
        if (!seen.has(value.key.toLowerCase()))
          seen.set(value.key.toLowerCase(), fieldColumn(value.field, value.key));
      }
      const node = output.node;
      return underNodes(
        output.nodes.slice(0, -1),
        holderColumn(node.name, [...seen.values()], node.foreignKey),
      );
    }
  }
}

function shapeColumns(shape: RecordShape): ColumnMetadata[] {
  return shape.outputs.map(outputColumn);
}

/** The column metadata of a compiled query. */
export function queryColumns(plan: QueryPlan): QueryColumns {
  switch (plan.kind) {
    case 'records':
      return {
        columnMetadata: shapeColumns(plan),
        entityName: plan.object.name,
        groupBy: false,
        idSelected: plan.outputs.some(
          (o) => o.kind === 'value' && o.nodes.length === 0 && o.field.type === 'id',
        ),
        keyPrefix: plan.object.keyPrefix,
      };
    case 'count':
      return {
        columnMetadata: [],
        entityName: plan.object.name,
        groupBy: false,
        idSelected: false,
        keyPrefix: plan.object.keyPrefix,
      };
    case 'aggregate':
      return {
        columnMetadata: plan.outputs.map((output) => {
          const column = fieldColumn(output.field, output.key);
          if (!output.aggregate) return column;
          // (unconfirmed) Salesforce reports no Apex type for functions (captured for AVG).
          return {
            ...column,
            aggregate: true,
            apexType: null,
            displayName: output.display,
            insertable: false,
            updatable: false,
          };
        }),
        entityName: plan.object.name,
        groupBy: plan.grouped,
        idSelected: false,
        keyPrefix: null,
      };
  }
}
