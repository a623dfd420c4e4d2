namespace Paydesk.Catalog;

/// <summary>
/// Catalog items are archived, never deleted: orders and entitlements keep pointing at them, and
/// an archived item can no longer be sold or added to a plan.
/// </summary>
public interface IArchivable : Storage.IHasId
{
    DateTimeOffset? ArchivedAt { get; set; }
}
