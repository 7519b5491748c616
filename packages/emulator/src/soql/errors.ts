import { ApiError } from '../errors.ts';
import type { Pos } from './ast.ts';
import { malformed } from './lexer.ts';

/**
 * An error that points at a position in the query, in Salesforce's layout: the query line, a caret
 * under the column, `ERROR at Row:N:Column:M`, then the detail. Salesforce uses this layout for
 * every error it finds while compiling a query, whatever the error code.
 */
export function queryError(errorCode: string, source: string, pos: Pos, detail: string): ApiError {
  const error = malformed(source, pos, detail);
  return errorCode === 'MALFORMED_QUERY' ? error : new ApiError(400, errorCode, error.message);
}

/** `No such column 'Foo' on entity 'Account'...` (INVALID_FIELD). */
export function noSuchColumn(source: string, pos: Pos, name: string, entity: string): ApiError {
  return queryError(
    'INVALID_FIELD',
    source,
    pos,
    `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** An unknown parent relationship in a field path (INVALID_FIELD). */
export function unknownParentRelationship(source: string, pos: Pos, name: string): ApiError {
  return queryError(
    'INVALID_FIELD',
    source,
    pos,
    `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** An unknown child relationship in a subquery's FROM (INVALID_TYPE). */
export function unknownChildRelationship(source: string, pos: Pos, name: string): ApiError {
  return queryError(
    'INVALID_TYPE',
    source,
    pos,
    `Didn't understand relationship '${name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** An unknown or unqueryable object in FROM (INVALID_TYPE). */
export function unknownObject(source: string, pos: Pos, name: string): ApiError {
  return queryError(
    'INVALID_TYPE',
    source,
    pos,
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** A filter value of the wrong type for its field (INVALID_QUERY_FILTER_OPERATOR). */
export function filterTypeMismatch(
  source: string,
  pos: Pos,
  field: string,
  expected: string,
  quoted: boolean,
): ApiError {
  return queryError(
    'INVALID_QUERY_FILTER_OPERATOR',
    source,
    pos,
    `value of filter criterion for field '${field}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
  );
}
