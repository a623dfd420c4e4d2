using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// A payment method a customer let the provider keep (a card behind T-Bank's <c>RebillId</c>, a
/// Stripe PaymentMethod): what renewals charge. Paydesk holds the provider's reference to it and
/// what may be shown (brand, last four digits, expiry), never the card.
/// </summary>
public sealed class SavedMethod : IHasId, ICustomerOwned
{
    public required string TenantId { get; set; }
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public required string Provider { get; init; }
    public required string ProviderAccountId { get; init; }
    /// <summary>The provider's reference: what a charge of the method names.</summary>
    public required string ProviderMethodId { get; init; }
    public string? Brand { get; init; }
    public string? Last4 { get; init; }
    public int? ExpMonth { get; init; }
    public int? ExpYear { get; init; }
    /// <summary>The payment that saved it.</summary>
    public required string PaymentId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RemovedAt { get; set; }
}

internal sealed class SavedMethodConfiguration : IEntityTypeConfiguration<SavedMethod>
{
    public void Configure(EntityTypeBuilder<SavedMethod> b)
    {
        b.ToTable("saved_methods");
        b.HasKey(m => new { m.TenantId, m.Id });
        b.HasIndex(m => new { m.TenantId, m.ProviderAccountId, m.ProviderMethodId }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.CustomerId });
        b.Property(m => m.Provider).HasMaxLength(32);
        b.Property(m => m.ProviderMethodId).HasMaxLength(200);
        b.Property(m => m.Brand).HasMaxLength(32);
        b.Property(m => m.Last4).HasMaxLength(4);
    }
}

/// <summary>A payment method a provider says it kept, as its notification describes it.</summary>
public sealed record SavedMethodReport(string ProviderMethodId, string? Brand, string? Last4, int? ExpMonth, int? ExpYear)
{
    /// <summary>
    /// From a masked card number (<c>430000******0777</c>) and an expiry in <c>MMYY</c>, as T-Bank
    /// and Robokassa give them: the brand guessed from the first digits, the last four, the month and year.
    /// </summary>
    public static SavedMethodReport FromCard(string providerMethodId, string? pan, string? mmyy)
    {
        var digits = pan is null ? "" : new string([.. pan.Where(char.IsAsciiDigit)]);
        var brand = pan is null ? null : pan switch
        {
            _ when pan.StartsWith("220", StringComparison.Ordinal) => "mir",
            _ when pan.StartsWith('4') => "visa",
            _ when pan.StartsWith('5') || pan.StartsWith("22", StringComparison.Ordinal) || pan.StartsWith('2') => "mastercard",
            _ when pan.StartsWith("34", StringComparison.Ordinal) || pan.StartsWith("37", StringComparison.Ordinal) => "amex",
            _ => null,
        };
        int? month = null, year = null;
        if (mmyy is { Length: 4 } && int.TryParse(mmyy[..2], out var m) && m is >= 1 and <= 12 && int.TryParse(mmyy[2..], out var y))
            (month, year) = (m, 2000 + y);
        return new SavedMethodReport(providerMethodId, brand, digits.Length >= 4 ? digits[^4..] : null, month, year);
    }
}

/// <param name="Brand">visa, mastercard, mir, amex…; null when the provider does not say.</param>
public sealed record SavedMethodView(
    string Id, string CustomerId, string Provider, string? Brand, string? Last4, int? ExpMonth, int? ExpYear, DateTimeOffset CreatedAt)
{
    public static SavedMethodView From(SavedMethod m) => new(m.Id, m.CustomerId, m.Provider, m.Brand, m.Last4, m.ExpMonth, m.ExpYear, m.CreatedAt);
}

/// <summary>
/// Something that charges a customer's kept methods later (a subscription's renewals), asked before
/// one is removed: answers why it must stay, or null. Implemented above Payments, by what renews.
/// </summary>
public interface IChargesSavedMethods
{
    Task<string?> WhyKeepAsync(PaydeskDb db, SavedMethod method, CancellationToken ct);
}

/// <summary>Keeps what providers report as saved, and removes what a customer no longer wants charged.</summary>
public sealed class SavedMethods(PaydeskDb db, IdGenerator ids, TimeProvider time, IEnumerable<IChargesSavedMethods> chargers)
{
    /// <summary>The method the payment saved, kept for its customer unless it is kept already. The caller holds the payment's lock.</summary>
    public async Task<bool> KeepAsync(Payment payment, SavedMethodReport report, CancellationToken ct)
    {
        if (await db.SavedMethods.AnyAsync(m => m.ProviderAccountId == payment.ProviderAccountId && m.ProviderMethodId == report.ProviderMethodId, ct))
            return false;
        db.SavedMethods.Add(new SavedMethod
        {
            TenantId = "", Id = ids.New("pm"), CustomerId = payment.CustomerId, Provider = payment.Provider, ProviderAccountId = payment.ProviderAccountId,
            ProviderMethodId = report.ProviderMethodId, Brand = report.Brand, Last4 = report.Last4, ExpMonth = report.ExpMonth, ExpYear = report.ExpYear,
            PaymentId = payment.Id, CreatedAt = time.GetUtcNow(),
        });
        return true;
    }

    /// <summary>The customer's methods still kept, newest first.</summary>
    public Task<List<SavedMethod>> OfAsync(string customerId, CancellationToken ct) =>
        db.SavedMethods.AsNoTracking().Where(m => m.CustomerId == customerId && m.RemovedAt == null).OrderByDescending(m => m.CreatedAt).ToListAsync(ct);

    /// <summary>
    /// Removes the method: no renewal charges it again. Refused while something would charge it and has no other
    /// (a live subscription at its account: keep another card first, or cancel). Removing it twice answers it as it is.
    /// </summary>
    public async Task<Result<SavedMethodView>> RemoveAsync(string id, CancellationToken ct)
    {
        var method = await db.SavedMethods.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (method is null) return Problem.NotFound("payment method", id);
        if (method.RemovedAt is null)
            foreach (var charger in chargers)
                if (await charger.WhyKeepAsync(db, method, ct) is { } why) return Problem.Conflict(why);
        method.RemovedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return SavedMethodView.From(method);
    }
}
