import fc from 'fast-check';

// Mutation runs (vitest.mutation.config.ts) only: one fixed seed for every property and no shrinking, so each mutant
// meets the same inputs and a property it breaks fails at its first counterexample instead of minimising it; fewer
// runs per property (FUZZ_RUNS, read by spec/properties/budget.ts) unless the caller asks for more.
process.env.FUZZ_RUNS ??= '20';
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 8583), endOnFailure: true });
