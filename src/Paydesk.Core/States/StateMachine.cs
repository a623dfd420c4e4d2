using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Paydesk.Core;

/// <summary>The states of one status enum and the moves allowed between them.</summary>
/// <remarks>
/// Each status machine states only its transition table; finality, refusal reasons and API names are all derived
/// from it here, so they cannot drift apart from the table. A state missing from the table has no moves, which
/// makes it final. A state may list itself to allow a repeated move (a second partial refund); otherwise a
/// proposal equal to the current state is <see cref="TransitionDecision.AlreadyThere"/>.
/// </remarks>
internal sealed class StateMachine<TState> where TState : struct, Enum
{
    // Kept in table order, so a refusal lists the allowed moves the way the table reads.
    private readonly FrozenDictionary<TState, TState[]> moves;
    private readonly FrozenDictionary<TState, FrozenSet<TState>> reachable;
    private readonly FrozenDictionary<TState, string> names;
    private readonly FrozenDictionary<string, TState> byName;

    /// <exception cref="ArgumentException">A state is listed twice or is not a defined member of the enum.</exception>
    public StateMachine(params (TState From, TState[] To)[] table)
    {
        var states = Enum.GetValues<TState>();
        foreach (var (from, to) in table)
        {
            if (!Enum.IsDefined(from) || !to.All(Enum.IsDefined))
                throw new ArgumentException($"The {typeof(TState).Name} table has an undefined state.", nameof(table));
        }

        // ToFrozenDictionary throws on a state listed twice instead of letting one row shadow the other.
        var listed = table.ToFrozenDictionary(row => row.From, row => row.To);
        moves = states.ToFrozenDictionary(state => state, state => listed.GetValueOrDefault(state) ?? []);
        reachable = states.ToFrozenDictionary(state => state, Reach);
        names = states.ToFrozenDictionary(state => state, state => SnakeCase(state.ToString()));
        byName = names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
    }

    public bool CanMove(TState from, TState to) => MovesFrom(from).Contains(Defined(to));

    public bool IsFinal(TState state) => MovesFrom(state).Length == 0;

    public TransitionResult Decide(TState current, TState proposed)
    {
        var allowed = MovesFrom(current);
        if (allowed.Contains(Defined(proposed)))
            return new(TransitionDecision.Apply, $"{names[current]} → {names[proposed]}");
        if (EqualityComparer<TState>.Default.Equals(current, proposed))
            return new(TransitionDecision.AlreadyThere, $"already {names[current]}; nothing to do");

        var whereFrom = allowed.Length == 0
            ? $"{names[current]} is final"
            : $"{names[current]} may only move to {Join(allowed)}";
        // In a cycle (active ⇄ past_due) both directions are reachable; what the caller missed is the step between.
        var how = reachable[current].Contains(proposed) ? "would skip a step"
            : reachable[proposed].Contains(current) ? "would move it backwards"
            : "would move it sideways";
        return new(TransitionDecision.Refused, $"{whereFrom}; {names[proposed]} {how}");
    }

    /// <summary>The API spelling: the member name in snake case, <c>PartiallyRefunded</c> → <c>partially_refunded</c>.</summary>
    public string ToApi(TState state) => names[Defined(state)];

    /// <summary>Only the exact lower-case API spelling is accepted: not member names, numbers or other casing.</summary>
    public bool TryParseApi([NotNullWhen(true)] string? value, out TState state)
    {
        state = default;
        return value is not null && byName.TryGetValue(value, out state);
    }

    private TState[] MovesFrom(TState state, [CallerArgumentExpression(nameof(state))] string? paramName = null) =>
        moves.TryGetValue(state, out var to)
            ? to
            : throw new ArgumentOutOfRangeException(paramName, state, $"Unknown {typeof(TState).Name}.");

    // A value cast from a stale database integer is a bug to surface, not a move to refuse.
    private TState Defined(TState state, [CallerArgumentExpression(nameof(state))] string? paramName = null) =>
        moves.ContainsKey(state)
            ? state
            : throw new ArgumentOutOfRangeException(paramName, state, $"Unknown {typeof(TState).Name}.");

    private FrozenSet<TState> Reach(TState start)
    {
        var seen = new HashSet<TState>();
        var pending = new Stack<TState>(moves[start]);
        while (pending.TryPop(out var state))
        {
            if (seen.Add(state))
            {
                foreach (var next in moves[state])
                    pending.Push(next);
            }
        }
        return seen.ToFrozenSet();
    }

    private string Join(TState[] states) => states.Length == 1
        ? names[states[0]]
        : $"{string.Join(", ", states[..^1].Select(state => names[state]))} or {names[states[^1]]}";

    private static string SnakeCase(string pascal)
    {
        var snake = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && snake.Length > 0)
                snake.Append('_');
            snake.Append(char.ToLowerInvariant(c));
        }
        return snake.ToString();
    }
}
