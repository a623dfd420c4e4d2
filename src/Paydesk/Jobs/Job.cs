using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Paydesk.Jobs;

public enum JobState
{
    /// <summary>Waiting for its due time, or for a free worker.</summary>
    Queued,
    /// <summary>Claimed by a worker until its lease runs out.</summary>
    Running,
    Done,
    /// <summary>Failed as often as its kind allows; listed for a person, who may retry it.</summary>
    Dead,
}

/// <summary>
/// A piece of background work: fulfil this order, carry out this refund, send this email, ask the
/// provider about this payment. Written in the transaction that makes the work due, so work that
/// did not commit is never done and work that did is never forgotten. Its <see cref="Key"/> is
/// unique, so the same work is never queued twice; a worker claims it with a lease, and when a
/// worker dies mid-job the lease runs out and another takes it over.
/// </summary>
public sealed class Job : Storage.IIdentified
{
    /// <summary>The tenant whose work it is; null for work of the installation (pruning).</summary>
    public string? TenantId { get; set; }
    public required string Id { get; init; }
    /// <summary>Which handler runs it: <c>fulfil-order</c>, <c>execute-refund</c>, <c>send-email</c>…</summary>
    public required string Kind { get; init; }
    /// <summary><c>{kind}:{subject}</c>; unique.</summary>
    public required string Key { get; init; }
    /// <summary>What the handler works on, usually the id of a row.</summary>
    public required string Payload { get; init; }
    public JobState State { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>Who holds the job while it runs: one value per claim, so an old claim can never finish a newer one.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>Runs so far, counted when claimed (a run that killed its process counts too); reset by a retry.</summary>
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> b)
    {
        b.HasKey(j => j.Id);
        b.HasIndex(j => j.Key).IsUnique();
        b.HasIndex(j => new { j.State, j.DueAt });
        b.HasIndex(j => new { j.TenantId, j.State });
        b.Property(j => j.TenantId).HasMaxLength(40);
        b.Property(j => j.Kind).HasMaxLength(40);
        b.Property(j => j.Key).HasMaxLength(160);
        b.Property(j => j.Payload).HasMaxLength(400);
        b.Property(j => j.LeaseOwner).HasMaxLength(120);
        b.Property(j => j.LastError).HasMaxLength(500);
        b.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(j => j.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
