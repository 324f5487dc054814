// Module resolution hooks that add the `@llm-teams/source` export condition, so that in a
// checkout `@llm-teams/*` resolves to the packages' TypeScript sources (the same condition
// tsconfig.json and vitest.config.ts use; `node --conditions=@llm-teams/source` does it too).
const CONDITION = '@llm-teams/source';

function withCondition(context) {
  return context.conditions.includes(CONDITION)
    ? context
    : { ...context, conditions: [...context.conditions, CONDITION] };
}

/** `module.register` hook (off-thread). */
export async function resolve(specifier, context, next) {
  return next(specifier, withCondition(context));
}

/** `module.registerHooks` hook (in-thread). */
export function resolveSync(specifier, context, next) {
  return next(specifier, withCondition(context));
}
