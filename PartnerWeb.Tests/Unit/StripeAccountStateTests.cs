using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

/// <summary>Issue 16, item 2: what a connected account's fields make of the partner's Stripe state, and what the row keeps of them.</summary>
public sealed class StripeAccountStateTests
{
    [Theory]
    [InlineData(true, null, StripeAccountState.Ready)]
    [InlineData(true, "requirements.past_due", StripeAccountState.Ready)]
    [InlineData(false, null, StripeAccountState.ActionNeeded)]
    [InlineData(false, "requirements.past_due", StripeAccountState.ActionNeeded)]
    [InlineData(false, "requirements.pending_verification", StripeAccountState.ActionNeeded)]
    [InlineData(false, "rejected.fraud", StripeAccountState.Disabled)]
    [InlineData(false, "rejected.terms_of_service", StripeAccountState.Disabled)]
    [InlineData(false, "listed", StripeAccountState.Disabled)]
    [InlineData(false, "under_review", StripeAccountState.Disabled)]
    [InlineData(false, "platform_paused", StripeAccountState.Disabled)]
    [InlineData(false, "action_required.requested_capabilities", StripeAccountState.Disabled)]
    [InlineData(false, "other", StripeAccountState.Disabled)]
    public void Payouts_enabled_is_ready_and_only_a_reason_onboarding_cannot_fix_is_disabled(bool payoutsEnabled, string? reason, StripeAccountState expected) =>
        Assert.Equal(expected, StripeAccounts.StateOf(new PartnerStripeAccount { AccountId = "acct_1", PayoutsEnabled = payoutsEnabled, DisabledReason = reason }));

    [Fact]
    public void No_account_is_none_and_the_names_are_the_APIs() =>
        Assert.Equal((StripeAccountState.None, "action_needed"), (StripeAccounts.StateOf(null), StripeAccountState.ActionNeeded.Name()));

    [Fact]
    public void The_row_keeps_whole_requirements_that_fit_its_column_and_none_as_null()
    {
        var many = Enumerable.Range(0, 200).Select(i => $"person_{i:D4}.verification.document").ToArray();
        var kept = Snapshot(many).RequirementsDue!;

        Assert.True(kept.Length <= PartnerStripeAccount.MaxRequirementsLength, $"{kept.Length} characters");
        Assert.True(kept.Length > PartnerStripeAccount.MaxRequirementsLength - many[0].Length - 1, "it stopped early");
        Assert.Equal(many.Take(kept.Split(',').Length), kept.Split(','));
        Assert.Null(Snapshot([]).RequirementsDue);
        Assert.Equal("external_account,individual.dob.day", Snapshot(["external_account", "individual.dob.day"]).RequirementsDue);
    }

    [Fact]
    public void A_matching_row_is_unchanged_whatever_its_time()
    {
        var seen = Snapshot(["external_account"]);
        var row = StripeAccounts.NewRow(Guid.NewGuid(), seen, DateTime.UtcNow);
        row.UpdatedAt = DateTime.UnixEpoch;
        Assert.True(seen.Matches(row));
        Assert.False((seen with { PayoutsEnabled = true }).Matches(row));
        Assert.False(Snapshot(["external_account", "tos_acceptance.date"]).Matches(row));
    }

    private static StripeAccountSnapshot Snapshot(string[] due) =>
        new("acct_1", false, false, false, due, "requirements.past_due", new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc));
}
