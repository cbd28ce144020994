import { gradeTone } from './data';

/** A grade letter in a coloured box; the letter itself carries the meaning (colour is extra). */
export function Grade({ grade, score }: { grade: string | null; score?: number | null }) {
  return (
    <span className={`badge badge-${gradeTone(grade)}`} title={score === undefined || score === null ? undefined : `${score}/100`}>
      {grade ?? '–'}
      {score === undefined || score === null ? '' : ` · ${score}`}
    </span>
  );
}
