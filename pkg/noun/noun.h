/// @file noun.h
/// The noun system: include this.
#ifndef U3_NOUN_H
#define U3_NOUN_H

#include "c3/c3.h"
#include "noun/log.h"
#include "noun/options.h"
#include "noun/allocate.h"
#include "noun/manage.h"
#include "noun/imprison.h"
#include "noun/retrieve.h"

#endif  //  U3_NOUN_H
