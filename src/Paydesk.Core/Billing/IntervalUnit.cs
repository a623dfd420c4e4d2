namespace Paydesk.Core;

/// <summary>The unit of a <see cref="BillingInterval"/>. Minutes and hours are elapsed time; the rest are calendar steps.</summary>
public enum IntervalUnit
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}
