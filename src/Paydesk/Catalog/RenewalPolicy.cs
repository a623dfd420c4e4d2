using Paydesk.Api;

namespace Paydesk.Catalog;

/// <summary>While a renewal is unpaid (the subscription past due), whether the plan's access goes on.</summary>
public enum PastDueAccess { Suspend, Keep }

/// <summary>What happens when the last retry of a renewal fails too.</summary>
public enum AfterRetries { Cancel, LeaveUnpaid }

/// <summary>When renewals come back after downtime longer than a period: charge each missed period, or one period from now.</summary>
public enum MissedPeriods { BillEach, BillOnce }

/// <summary>
/// How a recurring plan's subscriptions renew and are dunned — the plan's own choices, kept on the
/// plan (not its version), so a change applies to the subscriptions already sold. A choice left
/// unset is the installation's default (<c>Subscriptions:Retries</c>, <c>Subscriptions:RemindDaysBefore</c>).
/// </summary>
/// <param name="RetryDays">Days to wait before each new attempt at a failed renewal, counted from the one before; null: the default.</param>
/// <param name="RemindDaysBefore">Days before a renewal the customer is told of it; 0: never; null: the default.</param>
public sealed record RenewalPolicy(
    IReadOnlyList<int>? RetryDays, PastDueAccess PastDue, AfterRetries AfterRetries, MissedPeriods MissedPeriods, int? RemindDaysBefore)
{
    public static readonly RenewalPolicy Default = new(null, PastDueAccess.Suspend, AfterRetries.Cancel, MissedPeriods.BillEach, null);
}

/// <summary>A recurring plan's renewal choices as a request gives them; what is left out stays as it was.</summary>
/// <param name="PastDue"><c>suspend_access</c> or <c>keep_access</c>.</param>
/// <param name="AfterRetries"><c>cancel</c> or <c>leave_unpaid</c>.</param>
/// <param name="MissedPeriods"><c>bill_each</c> or <c>bill_once</c>.</param>
public sealed record RenewalInput(List<int>? RetryDays, string? PastDue, string? AfterRetries, string? MissedPeriods, int? RemindDaysBefore);

/// <summary>A recurring plan's renewal choices; <see cref="RetryDays"/> and <see cref="RemindDaysBefore"/> are null where the installation's default applies.</summary>
public sealed record RenewalView(IReadOnlyList<int>? RetryDays, string PastDue, string AfterRetries, string MissedPeriods, int? RemindDaysBefore)
{
    public static RenewalView From(RenewalPolicy p) => new(p.RetryDays, Spell(p.PastDue), Spell(p.AfterRetries), Spell(p.MissedPeriods), p.RemindDaysBefore);

    internal static string Spell(PastDueAccess v) => v == PastDueAccess.Keep ? "keep_access" : "suspend_access";
    internal static string Spell(AfterRetries v) => v == Catalog.AfterRetries.LeaveUnpaid ? "leave_unpaid" : "cancel";
    internal static string Spell(MissedPeriods v) => v == Catalog.MissedPeriods.BillOnce ? "bill_once" : "bill_each";
}

internal static class RenewalInputs
{
    public const int MaxRetries = 10;
    public const int MaxDays = 60;

    /// <summary>The policy <paramref name="input"/> makes of <paramref name="current"/>; errors named <c>renewal.…</c>.</summary>
    public static RenewalPolicy Read(RenewalInput input, RenewalPolicy current, FieldErrors errors)
    {
        var retries = current.RetryDays;
        if (input.RetryDays is { } days)
        {
            if (days.Count > MaxRetries) errors.Add("renewal.retryDays", $"takes at most {MaxRetries} retries.");
            for (var i = 0; i < days.Count; i++)
                if (days[i] is < 1 or > MaxDays) errors.Add($"renewal.retryDays[{i}]", $"must be between 1 and {MaxDays} days.");
            retries = days.ToList();
        }
        var pastDue = Choice(input.PastDue, "renewal.pastDue", current.PastDue, errors, (PastDueAccess.Suspend, "suspend_access"), (PastDueAccess.Keep, "keep_access"));
        var after = Choice(input.AfterRetries, "renewal.afterRetries", current.AfterRetries, errors, (AfterRetries.Cancel, "cancel"), (AfterRetries.LeaveUnpaid, "leave_unpaid"));
        var missed = Choice(input.MissedPeriods, "renewal.missedPeriods", current.MissedPeriods, errors, (MissedPeriods.BillEach, "bill_each"), (MissedPeriods.BillOnce, "bill_once"));
        var remind = current.RemindDaysBefore;
        if (input.RemindDaysBefore is { } before)
        {
            if (before is < 0 or > MaxDays) errors.Add("renewal.remindDaysBefore", $"must be between 0 (no reminder) and {MaxDays} days.");
            remind = before;
        }
        return new RenewalPolicy(retries, pastDue, after, missed, remind);
    }

    private static T Choice<T>(string? value, string field, T current, FieldErrors errors, params (T Value, string Name)[] choices)
    {
        if (value is null) return current;
        foreach (var (v, name) in choices) if (name == value) return v;
        errors.Add(field, $"must be one of {string.Join(", ", choices.Select(c => c.Name))}.");
        return current;
    }
}
