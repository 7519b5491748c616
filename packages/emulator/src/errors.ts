/** One entry of Salesforce's error array: `[{"message":"...","errorCode":"...","fields":[...]}]`. */
export interface ApiErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** An error the REST API reports with Salesforce's status code and error body. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  toBody(): ApiErrorBody[] {
    const body: ApiErrorBody = { message: this.message, errorCode: this.errorCode };
    if (this.fields) body.fields = this.fields;
    return [body];
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export const invalidSession = () => new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const notFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
