// One line of the reference check: every checker (randn, schedulers, tokens) returns these.
export interface CaseResult {
  /** Case name as printed, e.g. `randn seed=0 shape=[1,4,8,8]`. */
  name: string;
  pass: boolean;
  /** The largest error measured against the tolerance that applies to this case. */
  maxErr: number;
  /** Why it failed (empty when it passed). */
  detail?: string;
}
