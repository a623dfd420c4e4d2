using FsCheck;
using FsCheck.Fluent;

namespace Paydesk.Core.Tests;

internal static class StatesGen
{
    /// <summary>A starting status and up to a hundred proposals, each any status whatever the current one is, the
    /// way late, repeated and out-of-order notifications arrive.</summary>
    public static Arbitrary<(TState Start, TState[] Proposals)> Walk<TState>() where TState : struct, Enum =>
        (from start in Gen.Elements(Enum.GetValues<TState>())
         from proposals in Gen.Elements(Enum.GetValues<TState>()).ArrayOf()
         select (start, proposals))
        .ToArbitrary();

    /// <summary>The statuses a record goes through when each proposal is decided and applied only on
    /// <see cref="TransitionDecision.Apply"/>; the first is the start.</summary>
    public static List<TState> Path<TState>(
        TState start, IEnumerable<TState> proposals, Func<TState, TState, TransitionResult> decide)
    {
        List<TState> path = [start];
        foreach (var proposed in proposals)
        {
            if (decide(path[^1], proposed).Decision == TransitionDecision.Apply)
                path.Add(proposed);
        }
        return path;
    }

    /// <summary>Every (from, to) pair of defined statuses, for exhaustive checks over a whole table.</summary>
    public static IEnumerable<(TState From, TState To)> AllPairs<TState>() where TState : struct, Enum =>
        from a in Enum.GetValues<TState>()
        from b in Enum.GetValues<TState>()
        select (a, b);

    public static TheoryData<TState, TState> TheoryData<TState>(IEnumerable<(TState, TState)> pairs)
    {
        var data = new TheoryData<TState, TState>();
        foreach (var (a, b) in pairs)
            data.Add(a, b);
        return data;
    }
}
