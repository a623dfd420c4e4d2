using System.Text.Json;
using Paydesk.Core;

namespace Paydesk.Payments.Mock;

/// <summary>
/// Reads the body of a Mock notification whose signature has been checked already:
/// <c>{"id", "type", "created", "data": {"paymentId", "chargeId", "status", "amount", "currency",
/// "refund"?: {"id", "amount", "key"?}}}</c>. What cannot be read is named by its path, so the
/// sender learns which field to fix instead of retrying forever.
/// </summary>
internal static class MockEvents
{
    public static NotificationCheck Read(string rawBody)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(rawBody).RootElement.Clone();
        }
        catch (JsonException)
        {
            return NotificationCheck.Unreadable("body", "is not JSON.");
        }
        if (root.ValueKind != JsonValueKind.Object) return NotificationCheck.Unreadable("body", "is not a JSON object.");

        // The first field that cannot be read is the one the answer names.
        var problem = (Field: "", Reason: "");
        void Fail(string field, string reason)
        {
            if (problem.Field.Length == 0) problem = (field, reason);
        }
        string? Text(JsonElement parent, string name, string path, int max, bool required = true)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required) Fail(path, "is required.");
                return null;
            }
            string? text;
            try
            {
                text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate ("\ud800") is valid JSON but no text.
                Fail(path, "must be valid Unicode text.");
                return null;
            }
            var reason = text is null ? "must be a string."
                : text.Length == 0 || text.Length > max ? $"must be 1 to {max} characters."
                : text.Any(char.IsControl) ? "must not hold control characters."
                : null;
            if (reason is null) return text;
            Fail(path, reason);
            return null;
        }
        long? Number(JsonElement parent, string name, string path)
        {
            if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
                return number;
            Fail(path, "must be a whole number.");
            return null;
        }

        var id = Text(root, "id", "id", 200);
        var type = Text(root, "type", "type", 100);
        var created = Number(root, "created", "created");
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return NotificationCheck.Unreadable(problem.Field.Length > 0 ? problem.Field : "data", problem.Field.Length > 0 ? problem.Reason : "must be an object.");
        var paymentId = Text(data, "paymentId", "data.paymentId", 80);
        var chargeId = Text(data, "chargeId", "data.chargeId", 200, required: false);
        var statusText = Text(data, "status", "data.status", 32);
        var amount = Number(data, "amount", "data.amount");
        var currency = Text(data, "currency", "data.currency", 3);
        if (currency is not null && !Currency.TryParse(currency, out _)) Fail("data.currency", "is not an ISO 4217 currency code.");
        var status = PaymentStatus.Unknown;
        if (statusText is not null && !PaymentStates.TryParseApi(statusText, out status)) Fail("data.status", "is not a payment status.");
        if (created is { } seconds && (seconds < 0 || seconds > 253_402_300_799)) Fail("created", "is not a Unix time.");

        ReportedRefund? refund = null;
        if (data.TryGetProperty("refund", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.Object) Fail("data.refund", "must be an object.");
            else
            {
                var refundId = Text(r, "id", "data.refund.id", 200);
                var refundAmount = Number(r, "amount", "data.refund.amount");
                var key = Text(r, "key", "data.refund.key", 80, required: false);
                if (refundAmount <= 0) Fail("data.refund.amount", "must be positive.");
                if (refundId is not null && refundAmount is > 0) refund = new ReportedRefund(refundId, refundAmount.Value, key);
            }
        }
        ReportedDispute? dispute = null;
        if (data.TryGetProperty("dispute", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Object) Fail("data.dispute", "must be an object.");
            else
            {
                var disputeId = Text(d, "id", "data.dispute.id", 200);
                var disputed = Number(d, "amount", "data.dispute.amount");
                var reason = Text(d, "reason", "data.dispute.reason", 200);
                if (disputed <= 0) Fail("data.dispute.amount", "must be positive.");
                if (disputeId is not null && disputed is > 0 && reason is not null) dispute = new ReportedDispute(disputeId, disputed.Value, reason);
            }
        }
        SavedMethodReport? saved = null;
        if (data.TryGetProperty("savedMethod", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Object) Fail("data.savedMethod", "must be an object.");
            else if (Text(m, "id", "data.savedMethod.id", 200) is { } methodId)
                saved = new SavedMethodReport(methodId, Text(m, "brand", "data.savedMethod.brand", 32, required: false), Text(m, "last4", "data.savedMethod.last4", 4, required: false),
                    (int?)Number(m, "expMonth", "data.savedMethod.expMonth"), (int?)Number(m, "expYear", "data.savedMethod.expYear"));
        }
        if (problem.Field.Length > 0) return NotificationCheck.Unreadable(problem.Field, problem.Reason);

        return NotificationCheck.Verified(new ProviderNotification(
            id!, paymentId!, chargeId, status, amount!.Value, currency!, DateTimeOffset.FromUnixTimeSeconds(created!.Value), type!, refund)
        {
            Dispute = dispute, SavedMethod = saved,
        });
    }
}
