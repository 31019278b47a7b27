using System.ComponentModel.DataAnnotations;
using System.Net;
using PartnerWeb.Auth;

namespace PartnerWeb.Tests.Unit;

public sealed class LockoutSettingsTests
{
    [Fact]
    public void The_defaults_give_five_free_failures_then_doubling_waits_then_a_lockout_from_the_tenth()
    {
        var rule = new LockoutSettings();
        Assert.Equal([0, 0, 0, 0, 0, 2, 4, 8, 16, 900, 900], Enumerable.Range(1, 11).Select(f => rule.DelayAfter(f).TotalSeconds));
    }

    [Fact]
    public void The_wait_is_capped_at_the_maximum_before_the_threshold()
    {
        var rule = new LockoutSettings { FreeFailures = 0, BaseDelaySeconds = 5, MaxDelaySeconds = 30, Threshold = 100 };
        Assert.Equal([5, 10, 20, 30, 30], Enumerable.Range(1, 5).Select(f => rule.DelayAfter(f).TotalSeconds));
        Assert.Equal(30, rule.DelayAfter(99).TotalSeconds);
    }

    [Theory]
    [InlineData(5, 5, 2, 60, 15, 1440, "Threshold")]
    [InlineData(5, 10, 30, 20, 15, 1440, "MaxDelaySeconds")]
    [InlineData(5, 10, 2, 60, 15, 10, "ResetAfterMinutes")]
    [InlineData(5, 10, 2, 7200, 15, 60, "ResetAfterMinutes")]
    public void Settings_that_would_contradict_each_other_are_refused(int free, int threshold, int baseDelay, int maxDelay, int lockout, int reset, string member)
    {
        var settings = new LockoutSettings
        {
            FreeFailures = free, Threshold = threshold, BaseDelaySeconds = baseDelay, MaxDelaySeconds = maxDelay,
            LockoutMinutes = lockout, ResetAfterMinutes = reset,
        };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true));
        Assert.Contains(member, Assert.Single(results).MemberNames);
        var defaults = new LockoutSettings();
        Assert.True(Validator.TryValidateObject(defaults, new ValidationContext(defaults), [], validateAllProperties: true));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void Clients_are_counted_by_address_and_IPv6_clients_by_their_64(string address, string key) =>
        Assert.Equal(key, LoginThrottle.ClientKey(IPAddress.Parse(address)));
}
