namespace Paydesk.Core;

/// <summary>Thrown when two amounts in different currencies are added, subtracted or compared.</summary>
public sealed class CurrencyMismatchException(Currency left, Currency right)
    : InvalidOperationException($"Cannot combine {left} with {right}: amounts must be in one currency.")
{
    public Currency Left { get; } = left;

    public Currency Right { get; } = right;
}
