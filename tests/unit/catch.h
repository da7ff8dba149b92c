// One include for the test framework, so moving to Catch2 v3 is a one-line change.
#pragma once
#include <catch2/catch.hpp>
