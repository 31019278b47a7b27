using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using PartnerWeb.Domain;
using PartnerWeb.Features.Admin;

namespace PartnerWeb.Features.Audit;

/// <summary>The filter as the operator typed it (kept on a 400), and the message of a field that did not parse.</summary>
public sealed record AuditFilterForm(string? Action, string? EntityType, string? EntityId, string? TenantId)
{
    public Dashboards.FormErrors Errors { get; init; } = Dashboards.FormErrors.None;

    /// <summary>The query string of this filter, for links that keep it (load more, a reload).</summary>
    public string Query(string? cursor = null) => string.Join("&", new[]
    {
        ("action", Action), ("entityType", EntityType), ("entityId", EntityId), ("tenantId", TenantId), ("cursor", cursor),
    }.Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!.Trim())}"));

    /// <summary>The filter for the service, or the form with a message next to each field that is not an id.</summary>
    public (AuditFilter? Filter, AuditFilterForm Form) Parse()
    {
        var errors = new Dictionary<string, string[]>();
        Guid? Id(string? text, string field, string message)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (Guid.TryParse(text.Trim(), out var id)) return id;
            errors[field] = [message];
            return null;
        }
        var entityId = Id(EntityId, "entityId", "Entity id must be an id such as 0195f0c2-7d4e-7a1b-9c3d-5e6f7a8b9c0d.");
        var tenantId = Id(TenantId, "tenantId", "Choose a tenant from the list.");
        if (Action?.Length > 64) errors["action"] = ["Action is at most 64 characters."];
        if (EntityType?.Length > 64) errors["entityType"] = ["Entity type is at most 64 characters."];
        return errors.Count > 0
            ? (null, this with { Errors = Dashboards.FormErrors.From(Infrastructure.AppError.Validation(errors)) })
            : (new AuditFilter(Action, EntityType, entityId, tenantId), this);
    }

    /// <summary>Every action the app records, for the filter's list.</summary>
    public static readonly IReadOnlyList<string> Actions = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();

    /// <summary>The entity types events name, offered as suggestions (any other is matched as typed).</summary>
    public static readonly IReadOnlyList<string> EntityTypes =
    [
        nameof(AccrualTask), nameof(Invoice), nameof(MarketplaceInstall), nameof(MarketplaceItem), nameof(PartnerAccount), nameof(PartnerEarning),
        nameof(PartnerListing), nameof(PartnerPayout), nameof(ResellerAccount), nameof(ResellerCommission), nameof(Tenant), nameof(User),
    ];
}

/// <summary>One fact of an event's data: a top-level or nested key (<c>payoutPreferences.method</c>) and its value as text.</summary>
public sealed record AuditDatum(string Key, string Value);

public sealed record AuditRowView(AuditEventDto Event, string? TenantName, string? ActorEmail, IReadOnlyList<AuditDatum> Data)
{
    /// <summary>Where the entity has a page of its own.</summary>
    public string? EntityPage => Event.EntityType == nameof(PartnerAccount) ? $"/dashboard/admin/partners/{Event.EntityId}" : null;

    /// <summary>The random tail of the id (a version-7 id starts with its time, which rows of one moment share).</summary>
    public string ShortEntityId => "…" + Event.EntityId.ToString("N")[^8..];

    /// <summary>Keys in words ("previousAttempts" → "previous attempts"); values with hidden characters spelled out; nulls left out.</summary>
    public static IReadOnlyList<AuditDatum> Summarize(JsonElement data)
    {
        var facts = new List<AuditDatum>();
        void Walk(JsonElement value, string key)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in value.EnumerateObject()) Walk(p.Value, key.Length == 0 ? Words(p.Name) : $"{key} · {Words(p.Name)}");
                    break;
                case JsonValueKind.Array:
                    facts.Add(new(key, TextSafety.Reveal(string.Join(", ", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())))));
                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    break;
                case JsonValueKind.String:
                    facts.Add(new(key, TextSafety.Reveal(value.GetString()!)));
                    break;
                default:
                    facts.Add(new(key, value.GetRawText()));
                    break;
            }
        }
        Walk(data, "");
        return facts;
    }

    private static string Words(string key) => Regex.Replace(key, "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant();
}

public sealed record AuditRowsModel(IReadOnlyList<AuditRowView> Rows, string? MoreUrl);

public sealed record AuditPageModel(AuditFilterForm Filter, IReadOnlyList<TenantOption> Tenants, AuditRowsModel Rows, bool HasDeadTasks);
